import { describe, expect, test } from "bun:test";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, UI_WAIT_MS, until, useServerAndBrowser, watch } from "./harness";

const TOKEN = "teach-the-saga-in-chromium";

describe.skipIf(!chromiumAvailable)("the teacher's overview in chromium", () => {
  const env = useServerAndBrowser({ teacherToken: TOKEN });

  test(
    "lists every active session live, and each row opens that session's dashboard",
    async () => {
      const api = (path: string, session: string, body?: unknown) =>
        fetch(`${env.server.baseUrl}${path}`, {
          method: "POST",
          headers: { "x-session-id": session, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      for (const session of ["class-a", "class-b", "class-c"]) await api("/inventory/seed", session);

      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const seen = watch(page);
      await page.goto(`${env.server.baseUrl}/teacher?token=${TOKEN}`);
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator("#sessions-panel tr[data-session]").count()).toBe(3);

      // Something happens in a session: the table catches up on its own (at most a second later).
      await api("/orders", "class-b", { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true });
      await api("/inventory/seed", "class-d");
      await until(async () => (await page.locator("#sessions-panel tr[data-session]").count()) === 4, "the fourth session to appear");
      const row = page.locator('#sessions-panel tr[data-session="class-b"]');
      await until(async () => (await row.locator("td.num").first().innerText()) === "1", "class-b's order to be counted");

      const [dashboard] = await Promise.all([context.waitForEvent("page"), row.locator("a").click()]);
      await dashboard.waitForURL(/\?session=class-b/, { timeout: UI_WAIT_MS });
      await dashboard.locator("#orders-panel tr[data-order-id]").first().waitFor({ timeout: UI_WAIT_MS });
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the broadcast form asks first, then applies the settings to every session listed; declined, it sends nothing",
    async () => {
      for (const session of ["bc-a", "bc-b"]) {
        await fetch(`${env.server.baseUrl}/inventory/seed`, { method: "POST", headers: { "x-session-id": session } });
      }
      const settingsOf = async (session: string) =>
        (await (await fetch(`${env.server.baseUrl}/settings`, { headers: { "x-session-id": session } })).json()) as Record<string, unknown>;
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      // Not watch(): it dismisses every dialog, and this test answers the question itself.
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${env.server.baseUrl}/teacher?token=${TOKEN}`);
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      // The broadcast reaches the sessions the overview lists: wait until both are listed, as a teacher would see them.
      await until(async () => {
        const listed = await (await fetch(`${env.server.baseUrl}/teacher/sessions?token=${TOKEN}`)).text();
        return listed.includes('data-session="bc-a"') && listed.includes('data-session="bc-b"');
      }, "both sessions on the overview");
      await page.locator('#broadcast-form textarea[name="settings"]').fill('{"paymentFailureRate": 0.25}');
      const asked: string[] = [];
      let accept = false;
      page.on("dialog", (dialog) => {
        asked.push(dialog.message());
        void (accept ? dialog.accept() : dialog.dismiss());
      });
      await page.locator("#broadcast-form button[type=submit]").click();
      await until(async () => asked.length === 1, "the question");
      expect((await settingsOf("bc-a")).paymentFailureRate).not.toBe(0.25);
      accept = true;
      await page.locator("#broadcast-form button[type=submit]").click();
      await until(async () => (await page.locator("#broadcast-result").innerText()).startsWith("Applied to"), "the answer");
      expect(asked).toHaveLength(2);
      for (const session of ["bc-a", "bc-b"]) expect((await settingsOf(session)).paymentFailureRate).toBe(0.25);
      expect(problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
