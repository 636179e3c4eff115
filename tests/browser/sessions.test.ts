import { describe, expect, test } from "bun:test";
import { NEW_SESSION_WARNING } from "../../src/dashboard/views/page-header";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  orderRow,
  placeOrderThroughForm,
  startServer,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
  waitForAttribute,
  watch,
} from "./harness";

describe.skipIf(!chromiumAvailable)("dashboard in chromium: sessions", () => {
  const env = useServerAndBrowser();

  test(
    "a session typed in the URL (?session=…), never seeded, gets the default catalog as a new one does: its first order is placed",
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1440, height: 1200 } });
      const page = await context.newPage();
      const seen = watch(page);
      const sessionId = `typed-${crypto.randomUUID().slice(0, 8)}`;
      await page.goto(`${env.server.baseUrl}/?session=${sessionId}`);
      await page.locator('#inventory-panel tr[data-product-id="mouse-pad"]').waitFor({ timeout: UI_WAIT_MS });
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(new URL(page.url()).searchParams.get("session")).toBe(sessionId);
      expect(await page.locator(".session[data-catalog]").count()).toBe(0);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], skipDemoDelays: true });
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      expect(await page.locator("#order-form .form-errors").count()).toBe(0);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "two browsers with different sessions see nothing of each other, live or on reload",
    async () => {
      const alice = await openFreshDashboard(env.browser, env.server.baseUrl);
      const bob = await openFreshDashboard(env.browser, env.server.baseUrl);
      expect(alice.sessionId).not.toBe(bob.sessionId);

      const orderId = await placeOrderThroughForm(alice.page, { lines: [["mouse-pad", 3]], skipDemoDelays: true });
      await waitForAttribute(orderRow(alice.page, orderId), "data-status", "COMPLETED");
      // Alice's events have all arrived on her page; Bob's stream carried none of them.
      await until(async () => (await alice.page.locator("#events-panel [data-event-type]").count()) === 5, "alice's 5 events");
      expect(await bob.page.locator("#events-panel [data-event-type]").count()).toBe(0);
      expect(await bob.page.locator("#orders-panel tr[data-order-id]").count()).toBe(0);
      expect(await bob.page.locator("#reservations-panel [data-order-id]").count()).toBe(0);
      expect(await bob.page.locator('#inventory-panel tr[data-product-id="mouse-pad"] [data-field="stock_level"]').innerText()).toBe("54");

      await bob.page.reload();
      await bob.page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(new URL(bob.page.url()).searchParams.get("session")).toBe(bob.sessionId);
      expect(await bob.page.locator("#orders-panel tr[data-order-id]").count()).toBe(0);
      // Asking for Alice's order by id with Bob's session finds nothing, as the API's 404 does.
      const peek = await bob.page.request.get(`${env.server.baseUrl}/dashboard/timeline?order=${orderId}`, {
        headers: { "x-session-id": bob.sessionId },
      });
      expect(await peek.text()).not.toContain(orderId);
      expect(alice.seen.problems).toEqual([]);
      expect(bob.seen.problems).toEqual([]);
      await alice.context.close();
      await bob.context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the session's URL opened in another browser shows the same session, live",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      const projectorContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const projector = await projectorContext.newPage();
      await projector.goto(attendee.page.url());
      await projector.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(await projector.locator("#session-id").innerText()).toBe(attendee.sessionId);

      const orderId = await placeOrderThroughForm(attendee.page, { lines: [["headset", 1]], skipDemoDelays: true });
      await waitForAttribute(orderRow(projector, orderId), "data-status", "COMPLETED");
      // The projector follows any order by a click: its timeline and its highlighted row.
      const second = await placeOrderThroughForm(attendee.page, { lines: [["mouse", 1]], skipDemoDelays: true });
      await waitForAttribute(orderRow(projector, second), "data-status", "COMPLETED");
      await orderRow(projector, orderId).locator("button.link").click();
      await waitForAttribute(projector.locator("#timeline-panel .timeline-order"), "data-order-id", orderId);
      await waitForAttribute(orderRow(projector, orderId), "class", "is-selected");
      expect(await orderRow(projector, second).getAttribute("class")).toBe("");
      await attendee.context.close();
      await projectorContext.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a returning visitor gets their session back from localStorage; “New session” asks, then makes and seeds another, and Recent sessions reopens the old one",
    async () => {
      const visitor = await openFreshDashboard(env.browser, env.server.baseUrl);
      await visitor.page.goto(`${env.server.baseUrl}/`);
      await visitor.page.waitForURL(/\?session=/, { timeout: UI_WAIT_MS });
      expect(new URL(visitor.page.url()).searchParams.get("session")).toBe(visitor.sessionId);
      // The only session this browser knows: no other to list.
      expect(await visitor.page.locator("#recent-sessions").isHidden()).toBe(true);

      // Declined (the harness says no to every dialog): the page stays on its session.
      await visitor.page.click("#new-session");
      await until(async () => visitor.seen.dialogs.length === 1, "the question before a new session");
      expect(visitor.seen.dialogs[0]).toBe(`confirm: ${NEW_SESSION_WARNING}`);
      expect(new URL(visitor.page.url()).searchParams.get("session")).toBe(visitor.sessionId);

      visitor.page.removeAllListeners("dialog");
      visitor.page.on("dialog", (dialog) => void dialog.accept());
      await visitor.page.click("#new-session");
      await until(async () => new URL(visitor.page.url()).searchParams.get("session") !== visitor.sessionId, "a new session in the URL");
      await visitor.page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      const next = new URL(visitor.page.url()).searchParams.get("session")!;
      expect(next).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await visitor.page.locator("#inventory-panel tr[data-product-id]").count()).toBe(7);
      expect(await visitor.page.evaluate(() => localStorage.getItem("saga-dashboard-session"))).toBe(next);

      // The old session is one click away.
      await visitor.page.click("#recent-sessions summary");
      const back = visitor.page.locator(`#recent-sessions a[data-session-id="${visitor.sessionId}"]`);
      expect(await back.innerText()).toBe(visitor.sessionId);
      await back.click();
      await visitor.page.waitForURL((url) => url.searchParams.get("session") === visitor.sessionId, { timeout: UI_WAIT_MS });
      await visitor.page.locator(`#recent-sessions a[data-session-id="${next}"]`).waitFor({ state: "attached", timeout: UI_WAIT_MS });
      expect(visitor.seen.problems).toEqual([]);
      await visitor.context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "every htmx request carries x-session-id, and closing the tab closes its one stream",
    async () => {
      const visitor = await openFreshDashboard(env.browser, env.server.baseUrl);
      const headers: (string | undefined)[] = [];
      visitor.page.on("request", (request) => {
        if (new URL(request.url()).pathname.startsWith("/dashboard/")) headers.push(request.headers()["x-session-id"]);
      });
      await placeOrderThroughForm(visitor.page, { lines: [["mouse", 1]], skipDemoDelays: true });
      await until(async () => headers.length >= 5, "the panels to refresh");
      expect(new Set(headers)).toEqual(new Set([visitor.sessionId]));

      // One tab, one stream; gone with the tab.
      expect(env.server.streams.openFor(visitor.sessionId)).toBe(1);
      await visitor.context.close();
      await until(async () => env.server.streams.openFor(visitor.sessionId) === 0, "the stream to close with its tab");
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a browser over the session's stream cap says it is not live, instead of failing silently",
    async () => {
      const capped = startServer({ streams: { perSession: 1 } });
      try {
        const first = await openFreshDashboard(env.browser, capped.baseUrl);
        // Another browser (its own context): it cannot share the first one's stream.
        const otherBrowser = await env.browser.newContext();
        const second = await otherBrowser.newPage();
        await second.goto(first.page.url());
        await second.locator("#live[data-state=error]").waitFor({ timeout: UI_WAIT_MS });
        expect(await second.locator("#live").innerText()).toContain("too many open tabs");
        expect(await first.page.locator("#live").getAttribute("data-state")).toBe("open");
        expect(capped.streams.openFor(first.sessionId)).toBe(1);
        await otherBrowser.close();
        await first.context.close();
      } finally {
        await capped.stop();
      }
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test("ten tabs of one browser are all live on one stream, and another tab takes it over when its tab closes", async () => {
    const first = await openFreshDashboard(env.browser, env.server.baseUrl);
    const tabs = [first.page];
    for (let n = 1; n < 10; n += 1) {
      const tab = await first.context.newPage();
      await tab.goto(first.page.url());
      tabs.push(tab);
    }
    for (const tab of tabs) await tab.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
    expect(env.server.streams.openFor(first.sessionId)).toBe(1);

    const everyTabShows = async (orderId: string) => {
      for (const tab of tabs)
        await waitForAttribute(tab.locator(`#orders-panel tr[data-order-id="${orderId}"]`), "data-status", "COMPLETED");
    };
    await everyTabShows(await placeOrderThroughForm(tabs[9]!, { lines: [["mouse", 1]], skipDemoDelays: true }));

    // The tab holding the stream goes; one of the others connects in its place.
    await tabs.shift()!.close();
    await until(async () => env.server.streams.openFor(first.sessionId) === 1, "one stream again");
    await everyTabShows(await placeOrderThroughForm(tabs[0]!, { lines: [["keyboard", 1]], skipDemoDelays: true }));
    expect(env.server.streams.openFor(first.sessionId)).toBe(1);
    expect(first.seen.problems).toEqual([]);
    await first.context.close();
  }, 60_000);

  test(
    "Copy puts the session id on the clipboard",
    async () => {
      const visitor = await openFreshDashboard(env.browser, env.server.baseUrl);
      await visitor.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.baseUrl });
      await visitor.page.click("#copy-session");
      await until(async () => (await visitor.page.locator("#copy-session").innerText()) === "Copied", "the button to say Copied");
      expect(await visitor.page.evaluate(() => navigator.clipboard.readText())).toBe(visitor.sessionId);
      await visitor.context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a fresh dashboard asks nothing; the header's optional name field saves the name (PATCH /session) and shows it again on reload",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      const field = attendee.page.locator("#session-name");
      expect(await field.inputValue()).toBe("");
      await field.fill("  Ada <b>L</b> ");
      await field.press("Enter");
      await waitForAttribute(field, "aria-invalid", "false");
      const stored = await attendee.page.request.get(`${env.server.baseUrl}/session`, { headers: { "x-session-id": attendee.sessionId } });
      expect(await stored.json()).toEqual({ sessionId: attendee.sessionId, name: "Ada <b>L</b>" });
      await attendee.page.reload();
      await attendee.page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      await until(async () => (await field.inputValue()) === "Ada <b>L</b>", "the stored name filled in");
      // A name the server refuses (41 characters: only a script gets past maxlength) is marked, not lost silently.
      await field.evaluate((input: HTMLInputElement) => {
        input.value = "x".repeat(41);
        input.dispatchEvent(new Event("change"));
      });
      await waitForAttribute(field, "aria-invalid", "true");
      expect(attendee.seen.dialogs).toEqual([]);
      expect(attendee.seen.problems.filter((p) => !p.includes("400"))).toEqual([]);
      await attendee.context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
