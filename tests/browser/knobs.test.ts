import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  reservationCard,
  statusOf,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
  watch,
} from "./harness";

/** Moves a knob the way a person does: the value changes, then `change` fires (on release). */
async function setKnob(page: Page, name: string, value: string) {
  await page.locator(`#knobs-form input[name="${name}"]`).evaluate((input: HTMLInputElement, v: string) => {
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

const settingsOf = async (page: Page, baseUrl: string, sessionId: string) =>
  (await (await page.request.get(`${baseUrl}/settings`, { headers: { "x-session-id": sessionId } })).json()) as Record<string, unknown>;

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the knobs", () => {
  // Retries 100, 200, 400, 800 ms apart, so a dead letter is reached in under two seconds.
  const env = useServerAndBrowser({ retryBaseMs: 100 });

  test(
    "knobs moved while the last change still posts are all sent, in order, and the panel ends on what the session has",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const posted: string[] = [];
      page.on("request", (r) => {
        if (r.method() === "POST" && r.url().endsWith("/dashboard/knobs")) posted.push(r.postData() ?? "");
      });
      // Four changes in one turn of the page, as fast hands (or keys) make them: each one after the
      // first is made while an earlier one is still posting, and every answer replaces the form.
      await page.evaluate(() => {
        const moves = [
          ["paymentFailureRate", "0.1"],
          ["paymentFailureRate", "0.05"],
          ["duplicateDeliveryRate", "0.5"],
          ["paymentFailureRate", "0.2"],
        ];
        for (const [name, value] of moves) {
          const input = document.querySelector<HTMLInputElement>(`#knobs-form input[name="${name}"]`);
          if (!input || value === undefined) throw new Error(`no knob ${name}`);
          input.value = value;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      await until(async () => {
        const settings = await settingsOf(page, env.server.baseUrl, sessionId);
        return settings.paymentFailureRate === 0.2 && settings.duplicateDeliveryRate === 0.5;
      }, "the session to have every change, the last one last");
      // Playwright reports a request on its own channel, which may arrive after the server has
      // answered a read on another: wait for its report of the fourth before comparing.
      await until(async () => posted.length >= 4, "Playwright to report the four POSTs");
      expect(posted).toEqual(["paymentFailureRate=0.1", "paymentFailureRate=0.05", "duplicateDeliveryRate=0.5", "paymentFailureRate=0.2"]);
      // The panel was rendered by the server (the value attribute, not only what was moved) with the session's values.
      await page.locator('#knobs-form input[name="paymentFailureRate"][value="0.2"]').waitFor({ timeout: UI_WAIT_MS });
      await page.locator('#knobs-form input[name="duplicateDeliveryRate"][value="0.5"]').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]').innerText()).toBe("20%");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a refresh rendered before a change that is still posting never moves the knob back under the hand",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      // The live refresh of a teacher's change is fetched, then held until the attendee has moved a
      // knob; the attendee's change is held until that older refresh has reached the page.
      let refreshFetched = () => {};
      const refreshIsFetched = new Promise<void>((resolve) => (refreshFetched = resolve));
      let landRefresh = () => {};
      const refreshMayLand = new Promise<void>((resolve) => (landRefresh = resolve));
      let sendChange = () => {};
      const changeMaySend = new Promise<void>((resolve) => (sendChange = resolve));
      await page.route("**/dashboard/knobs", async (route) => {
        if (route.request().method() === "POST") {
          await changeMaySend;
          await route.continue();
          return;
        }
        const response = await route.fetch();
        refreshFetched();
        await refreshMayLand;
        await route.fulfill({ response });
      });
      await page.request.patch(`${env.server.baseUrl}/settings`, {
        headers: { "x-session-id": sessionId },
        data: { inventoryDelayMs: 500 },
      });
      await refreshIsFetched;
      await setKnob(page, "paymentFailureRate", "0.2");
      await page.evaluate(() => {
        const flags = window as unknown as { refreshLanded?: boolean };
        document.addEventListener("htmx:finally:request", (event) => {
          const { ctx } = (event as CustomEvent).detail;
          if (ctx.request.method === "GET" && ctx.target?.id === "knobs-panel") flags.refreshLanded = true;
        });
      });
      landRefresh();
      await page.waitForFunction(() => (window as unknown as { refreshLanded?: boolean }).refreshLanded === true);
      // The refresh said 0 % (rendered before the change): the knob stays where the attendee put it.
      expect(await page.locator('#knobs-form input[name="paymentFailureRate"]').inputValue()).toBe("0.2");
      expect(await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]').innerText()).toBe("20%");

      sendChange();
      await until(
        async () => (await settingsOf(page, env.server.baseUrl, sessionId)).paymentFailureRate === 0.2,
        "the change to be applied",
      );
      // Then the panel is the session's: the change and the teacher's.
      await page.locator('#knobs-form input[name="paymentFailureRate"][value="0.2"]').waitFor({ timeout: UI_WAIT_MS });
      expect((await settingsOf(page, env.server.baseUrl, sessionId)).inventoryDelayMs).toBe(500);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a knob moved in place reaches another screen of the session at once, and applies to the next order",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const mirror = await context.newPage();
      const mirrorSeen = watch(mirror);
      await mirror.goto(page.url());
      await mirror.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      // A background tab's timers are throttled: the screen the teacher works on is in front.
      await page.bringToFront();

      // The form posts the knob that moved and nothing else: a stale view of another knob is never sent back.
      const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/dashboard/knobs"));
      await setKnob(page, "paymentFailureRate", "1");
      expect((await posted).postData()).toBe("paymentFailureRate=1");
      await until(async () => (await settingsOf(page, env.server.baseUrl, sessionId)).paymentFailureRate === 1, "the setting to change");
      await mirror
        .locator('#knobs-panel output[data-percent-of="paymentFailureRate"]', { hasText: "100%" })
        .waitFor({ timeout: UI_WAIT_MS });

      // An order that leaves its payment to the knobs is declined; one that asks for success is not.
      const declined = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], paymentBehaviour: "", skipDemoDelays: true });
      await until(async () => (await statusOf(page, declined)) === "CANCELLED", "the order to be cancelled");
      await reservationCard(page, "RELEASED", declined).waitFor({ timeout: UI_WAIT_MS });
      const paid = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], paymentBehaviour: "success", skipDemoDelays: true });
      await until(async () => (await statusOf(page, paid)) === "COMPLETED", "the order that asked for success to complete");

      // Step mode from the knobs is the bus panel's step mode, on every screen.
      await page.locator('#knobs-form input[name="stepMode"]').check();
      await mirror.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: UI_WAIT_MS });
      expect(await mirror.locator('#knobs-form input[name="stepMode"]').isChecked()).toBe(true);
      // Unchecked on the mirror, the box is sent as "off"; the first screen follows.
      const unchecked = mirror.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/dashboard/knobs"));
      await mirror.locator('#knobs-form input[name="stepMode"]').uncheck();
      expect((await unchecked).postData()).toBe("stepMode=off");
      await page.locator('#bus-panel .step-mode[data-step-mode="false"]').waitFor({ timeout: UI_WAIT_MS });
      expect([...seen.problems, ...mirrorSeen.problems]).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a refused knob (a TTL of 500 ms) is an alert, and the field shows the session's real setting again, not the value typed",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const ttl = page.locator('#knobs-form input[name="reservationTtlMs"]');
      expect(await ttl.inputValue()).toBe("");
      const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/dashboard/knobs"));
      await setKnob(page, "reservationTtlMs", "500");
      expect((await refused).status()).toBe(400);
      await page
        .locator('#dashboard-alert[data-code="VALIDATION_FAILED"]', { hasText: "reservationTtlMs" })
        .waitFor({ timeout: UI_WAIT_MS });
      await until(async () => (await ttl.inputValue()) === "", "the field to show 'never' again");
      expect(await ttl.getAttribute("placeholder")).toBe("never");
      expect((await settingsOf(page, env.server.baseUrl, sessionId)).reservationTtlMs).toBeNull();
      // The browser logs the refusal's status as a console error; nothing else went wrong.
      expect(seen.problems).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "Reset knobs asks first, then puts every knob back to a new session's, on this screen and in the session",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const fresh = await settingsOf(page, env.server.baseUrl, `never-touched-${sessionId}`);
      await setKnob(page, "paymentFailureRate", "1");
      await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]', { hasText: "100%" }).waitFor({ timeout: UI_WAIT_MS });
      await page.locator('#knobs-form input[name="stepMode"]').check();
      await page.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: UI_WAIT_MS });

      // Said no: nothing changes. Said yes: the reset.
      const button = page.locator("#knobs-reset");
      expect(await button.getAttribute("title")).toContain("new session's default");
      await button.click();
      await until(async () => seen.dialogs.length === 1, "the question before the reset");
      expect(seen.dialogs[0]).toStartWith("confirm: Reset every knob of this session");
      expect((await settingsOf(page, env.server.baseUrl, sessionId)).paymentFailureRate).toBe(1);
      page.removeAllListeners("dialog");
      page.on("dialog", (dialog) => void dialog.accept());
      await button.click();
      await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]', { hasText: "0%" }).waitFor({ timeout: UI_WAIT_MS });
      // The bus panel heard of it too (SETTINGS_CHANGED): step mode is off there.
      await page.locator('#bus-panel .step-mode[data-step-mode="false"]').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator('#knobs-form input[name="stepMode"]').isChecked()).toBe(false);
      expect(await settingsOf(page, env.server.baseUrl, sessionId)).toEqual(fresh);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the shipment step turned on from the knobs: the next order is shipped (Shipments panel), and a failed shipment compensates",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.locator('#knobs-form input[name="shipmentStep"]').check();
      await until(async () => (await settingsOf(page, env.server.baseUrl, sessionId)).shipmentStep === true, "the step to be on");

      const shipped = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, shipped)) === "COMPLETED", "the shipped order to complete");
      // In the hidden Details tab, still refreshed live.
      await page
        .locator(`#shipments-panel tr[data-order-id="${shipped}"][data-status="CREATED"]`)
        .waitFor({ state: "attached", timeout: UI_WAIT_MS });
      await page.locator("#timeline-panel", { hasText: "SHIPMENT_CREATED" }).waitFor({ timeout: UI_WAIT_MS });

      await page.selectOption('#order-form select[name="shippingBehaviour"]', "failure");
      const failed = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, failed)) === "CANCELLED", "the order whose shipment failed to be cancelled");
      await page
        .locator(`#shipments-panel tr[data-order-id="${failed}"][data-status="FAILED"]`)
        .waitFor({ state: "attached", timeout: UI_WAIT_MS });
      await reservationCard(page, "RELEASED", failed).waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator(`#orders-panel tr[data-order-id="${failed}"]`).innerText()).toContain("shipment_failed");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a duplicate delivery rate of 100% shows every delivery of the next saga twice, the second ignored",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await setKnob(page, "duplicateDeliveryRate", "1");
      await page.locator('#knobs-panel output[data-percent-of="duplicateDeliveryRate"]', { hasText: "100%" }).waitFor();
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the saga to complete");
      const applied = page.locator('#timeline-panel [data-outcome="applied"]');
      const ignored = page.locator('#timeline-panel [data-outcome="duplicate_ignored"]');
      // The saga's six deliveries and the customer's two notifications, each made twice.
      await until(async () => (await applied.count()) === 8 && (await ignored.count()) === 8, "eight deliveries, each ignored once more");
      expect(await ignored.first().innerText()).toContain("ignored: already processed");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a reaction fault counts down to its retries, ends as a dead letter, and Retry from the bus panel finishes the saga",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      // The payment's demo delay (1.5 s) shows as a countdown in the bus panel and in the timeline.
      const counting = await placeOrderThroughForm(page, { lines: [["mouse", 1]] });
      const countdown = page.locator('#bus-panel tr[data-reaction="payments.chargeWhenStockReserved"] .countdown');
      await countdown.waitFor({ timeout: UI_WAIT_MS });
      const first = await countdown.innerText();
      await Bun.sleep(400);
      const later = await countdown.innerText().catch(() => "due now");
      expect(first).toMatch(/^in \d+\.\d s$/);
      expect(later === "due now" || Number.parseFloat(later.slice(3)) < Number.parseFloat(first.slice(3))).toBe(true);
      await until(async () => (await statusOf(page, counting)) === "COMPLETED", "the first order to complete");

      await setKnob(page, "reactionFaultRate", "1");
      await page.locator('#knobs-panel output[data-percent-of="reactionFaultRate"]', { hasText: "100%" }).waitFor();
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse", 1]], skipDemoDelays: true });
      const deadLetter = page.locator('#bus-panel tr[data-dead-letter-id][data-reaction="inventory.reserveStockWhenOrderCreated"]');
      await deadLetter.waitFor({ timeout: UI_WAIT_MS });
      expect(await deadLetter.innerText()).toContain("Injected fault");
      const reserving = '[data-reaction="inventory.reserveStockWhenOrderCreated"]';
      await page
        .locator(`#timeline-panel [data-outcome=dead_lettered]${reserving}`, { hasText: "dead-lettered after 5 attempts" })
        .waitFor();
      expect(await page.locator(`#timeline-panel [data-outcome=failed]${reserving}`).count()).toBe(4);
      expect(await page.locator(`#timeline-panel [data-waits="dead-letter"]${reserving}`).count()).toBe(1);
      expect(await statusOf(page, orderId)).toBe("PENDING");

      await setKnob(page, "reactionFaultRate", "0");
      await page.locator('#knobs-panel output[data-percent-of="reactionFaultRate"]', { hasText: "0%" }).waitFor();
      await deadLetter.locator("button.retry").click();
      // The customer's notification faulted too: retried from the bus panel as well.
      await page.locator('#bus-panel tr[data-dead-letter-id][data-reaction="notifications.notifyOnOrderCreated"] button.retry').click();
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the retried saga to complete");
      // The bus panel refreshes on its own message, which may arrive just after the order's.
      await until(
        async () => (await page.locator("#bus-panel tr[data-dead-letter-id]").count()) === 0,
        "the bus panel to show no dead letter",
      );
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
