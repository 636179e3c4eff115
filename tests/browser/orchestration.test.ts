import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  orderRow,
  paymentRow,
  placeOrderThroughForm,
  reservationCard,
  textsOf,
  UI_WAIT_MS,
  useServerAndBrowser,
  waitForAttribute,
  waitForCount,
} from "./harness";

const timelineTypes = (page: Page) =>
  page.locator("#timeline-panel [data-event-type]").evaluateAll((els) => els.map((e) => e.getAttribute("data-event-type")));

describe.skipIf(!chromiumAvailable)("dashboard in chromium: an orchestrated saga", () => {
  const env = useServerAndBrowser();

  test(
    "placed from the form in the orchestration style: the orchestrator's commands and the replies, then COMPLETED",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true, sagaStyle: "orchestration" });
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      expect(await textsOf(orderRow(page, orderId).locator("[data-saga-style]"))).toEqual(["orchestration"]);
      await waitForAttribute(paymentRow(page, orderId), "data-status", "SUCCESS");
      await waitForCount(page.locator("#timeline-panel [data-event-type]"), 9);
      expect(await timelineTypes(page)).toEqual([
        "ORDER_CREATED",
        "RESERVE_INVENTORY",
        "INVENTORY_RESERVED",
        "PROCESS_PAYMENT",
        "PAYMENT_SUCCESS",
        "CONFIRM_RESERVATION",
        "INVENTORY_CONFIRMED",
        "COMPLETE_ORDER",
        "ORDER_COMPLETED",
      ]);
      expect(await textsOf(page.locator('#timeline-panel [data-event-type="RESERVE_INVENTORY"] .module'))).toEqual(["ORCHESTRATOR"]); // text-transform: uppercase
      // The orchestrator's log, step by step, above the events.
      expect(
        await page
          .locator("#timeline-panel [data-step]")
          .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-step-status")}`)),
      ).toEqual(["RESERVE_INVENTORY:done", "PROCESS_PAYMENT:done", "CONFIRM_RESERVATION:done"]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a payment failure is compensated by the orchestrator: the reservation RELEASED, the order CANCELLED (payment_failed)",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, {
        lines: [["keyboard", 2]],
        paymentBehaviour: "failure",
        skipDemoDelays: true,
        sagaStyle: "orchestration",
      });
      await reservationCard(page, "RELEASED", orderId).waitFor({ timeout: UI_WAIT_MS });
      await waitForAttribute(orderRow(page, orderId), "data-status", "CANCELLED");
      expect(await textsOf(orderRow(page, orderId).locator(".source"))).toEqual(["payment_failed"]);
      await waitForAttribute(paymentRow(page, orderId), "data-status", "FAILED");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
