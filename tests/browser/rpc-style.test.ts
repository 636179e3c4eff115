import { describe, expect, test } from "bun:test";
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

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the rpc saga style", () => {
  const env = useServerAndBrowser();

  test(
    "an order placed from the form with Saga style rpc completes through its calls, each in the timeline",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      // With the demo delays on, the form is answered only when the chain has ended.
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], sagaStyle: "rpc" });
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the order to show COMPLETED");
      await reservationCard(page, "CONFIRMED", orderId).waitFor({ timeout: UI_WAIT_MS });
      await until(async () => (await paymentRow(page, orderId).getAttribute("data-status")) === "SUCCESS", "the payment to show");
      await orderRow(page, orderId).click();
      await until(
        async () => (await page.locator('#timeline-panel [data-event-type="RPC_CALL"]').count()) === 4,
        "four calls in the timeline",
      );
      const timeline = await page.locator("#timeline-panel").innerText();
      for (const method of ["CheckInventoryAvailability", "ReserveInventory", "Charge", "CommitReservation"])
        expect(timeline).toContain(method);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a declined payment: the reservation is cancelled by a call and the order is cancelled as payment_failed",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, {
        lines: [["monitor", 2]],
        paymentBehaviour: "failure",
        skipDemoDelays: true,
        sagaStyle: "rpc",
      });
      await until(async () => (await statusOf(page, orderId)) === "CANCELLED", "the order to be cancelled");
      expect(await orderRow(page, orderId).innerText()).toContain("payment_failed");
      await reservationCard(page, "RELEASED", orderId).waitFor({ timeout: UI_WAIT_MS });
      await orderRow(page, orderId).click();
      await until(
        async () => (await page.locator("#timeline-panel").innerText()).includes("CancelReservation"),
        "the cancel call in the timeline",
      );
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
