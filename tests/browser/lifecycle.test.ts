import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { shortId } from "../../src/dashboard/format";
import { cancelWarning } from "../../src/dashboard/views/orders";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  orderRow,
  paymentRow,
  placeOrderThroughForm,
  reservationCard,
  statusOf,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
} from "./harness";

async function patchSettings(page: Page, baseUrl: string, sessionId: string, settings: Record<string, unknown>) {
  const answer = await page.request.patch(`${baseUrl}/settings`, {
    headers: { "x-session-id": sessionId, "content-type": "application/json" },
    data: settings,
  });
  expect(answer.status()).toBe(200);
}

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the saga's lifecycle", () => {
  // Retries 100, 200, 400, 800 ms apart, so a dead letter is reached in under two seconds.
  const env = useServerAndBrowser({ retryBaseMs: 100 });

  test(
    "Cancel on a completed order puts its units back, refunds the payment, and tells the customer",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the order to complete");
      await until(
        async () => (await page.locator('#inventory-panel tr[data-product-id="mouse-pad"]').innerText()).includes("49"),
        "5 Mouse Pads taken",
      );
      // Cancel asks first, naming the order and the refund; declined, nothing happens.
      await orderRow(page, orderId).locator("button.cancel").click();
      await until(async () => seen.dialogs.length === 1, "the question before the cancel");
      expect(seen.dialogs[0]).toBe(`confirm: ${cancelWarning({ id: orderId, status: "COMPLETED", totalCents: 5 * 2499 })}`);
      expect(seen.dialogs[0]).toContain(`Cancel order ${shortId(orderId)} (COMPLETED)`);
      expect(seen.dialogs[0]).toContain("$124.95 is refunded");
      expect(await statusOf(page, orderId)).toBe("COMPLETED");
      // Said yes to, it cancels.
      page.removeAllListeners("dialog");
      page.on("dialog", (dialog) => void dialog.accept());
      await orderRow(page, orderId).locator("button.cancel").click();
      await until(async () => (await statusOf(page, orderId)) === "CANCELLED", "the order to be cancelled");
      await until(async () => (await paymentRow(page, orderId).getAttribute("data-status")) === "REFUNDED", "the payment to be refunded");
      await until(
        async () => (await page.locator('#inventory-panel tr[data-product-id="mouse-pad"]').innerText()).includes("54"),
        "the units back on the shelf",
      );
      expect(await orderRow(page, orderId).innerText()).toContain("customer");
      // The timeline shows the compensation; the card stays CONFIRMED, marked put back.
      for (const type of ["ORDER_CANCELLATION_REQUESTED", "INVENTORY_RESTOCKED", "PAYMENT_REFUNDED", "ORDER_CANCELLED"]) {
        await page.locator(`#timeline-panel [data-event-type="${type}"]`).waitFor({ timeout: UI_WAIT_MS });
      }
      expect(await reservationCard(page, "CONFIRMED", orderId).innerText()).toContain("put back on the shelf");
      // The inbox is in the hidden Details tab, still refreshed live.
      await page
        .locator(`#inbox-panel [data-kind="refunded"][data-order-id="${orderId}"]`)
        .waitFor({ state: "attached", timeout: UI_WAIT_MS });
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a PENDING reservation counts down to its expiry, then moves to RELEASED as expired and the order times out",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await patchSettings(page, env.server.baseUrl, sessionId, { reservationTtlMs: 2_000, paymentDelayMs: 30_000 });
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse", 1]] });
      const pending = reservationCard(page, "PENDING", orderId);
      await pending.waitFor({ timeout: UI_WAIT_MS });
      const countdown = pending.locator(".countdown");
      const first = await countdown.innerText();
      expect(first).toMatch(/^in \d\.\d s$/);
      await Bun.sleep(400);
      const later = await countdown.innerText().catch(() => "due now");
      expect(later === "due now" || Number.parseFloat(later.slice(3)) < Number.parseFloat(first.slice(3))).toBe(true);
      const released = reservationCard(page, "RELEASED", orderId);
      await released.waitFor({ timeout: UI_WAIT_MS });
      expect(await released.innerText()).toContain("expired");
      await until(async () => (await statusOf(page, orderId)) === "CANCELLED", "the order to time out");
      expect(await orderRow(page, orderId).innerText()).toContain("timeout");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a stuck saga shows in the Sagas panel; Retry (after the fault is gone) finishes it",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await patchSettings(page, env.server.baseUrl, sessionId, { reactionFaultRate: 1 });
      const orderId = await placeOrderThroughForm(page, { lines: [["keyboard", 1]], skipDemoDelays: true });
      const row = page.locator(`#sagas-panel tr[data-order-id="${orderId}"][data-saga-status="stuck"]`);
      await row.waitFor({ timeout: UI_WAIT_MS });
      await patchSettings(page, env.server.baseUrl, sessionId, { reactionFaultRate: 0 });
      await row.locator("button.retry").click();
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the retried saga to complete");
      await until(
        async () => (await page.locator(`#sagas-panel tr[data-order-id="${orderId}"]`).count()) === 0,
        "the saga to leave the panel",
      );
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
