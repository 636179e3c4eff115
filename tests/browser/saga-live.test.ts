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
  waitForText,
} from "./harness";

const stockCell = (page: Page, product: string, field: "stock_level" | "reserved" | "available") =>
  page.locator(`#inventory-panel tr[data-product-id="${product}"] [data-field="${field}"]`);
const timelineTypes = (page: Page) =>
  page.locator("#timeline-panel [data-event-type]").evaluateAll((els) => els.map((e) => e.getAttribute("data-event-type")));

describe.skipIf(!chromiumAvailable)("dashboard in chromium: a saga unfolds live", () => {
  const env = useServerAndBrowser();

  test(
    "a new session is seeded, and a successful order's reservation moves PENDING → CONFIRMED without a reload",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      expect(await page.locator("#inventory-panel tr[data-product-id]").count()).toBe(7);
      // A reload would lose this marker.
      await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));

      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]] });
      await reservationCard(page, "PENDING", orderId).waitFor({ timeout: UI_WAIT_MS });
      await waitForText(stockCell(page, "mouse-pad", "reserved"), "5");

      // From the SSE message to the card in its new column: the live-update latency.
      const latency = page.evaluate(
        (id) =>
          new Promise<number>((resolve) => {
            document.getElementById("live")!.addEventListener(
              "INVENTORY_CONFIRMED",
              () => {
                const start = performance.now();
                const check = () =>
                  document.querySelector(`#reservations-panel [data-column="CONFIRMED"] [data-order-id="${id}"]`)
                    ? resolve(performance.now() - start)
                    : requestAnimationFrame(check);
                check();
              },
              { once: true },
            );
          }),
        orderId,
      );
      await reservationCard(page, "CONFIRMED", orderId).waitFor({ timeout: UI_WAIT_MS });
      const ms = await latency;
      console.log(`live update: INVENTORY_CONFIRMED message → card in the CONFIRMED column in ${ms.toFixed(0)} ms`);
      // The target is 300 ms; the bound is looser because CI shares its CPUs.
      expect(ms).toBeLessThan(1_000);

      expect(await reservationCard(page, "PENDING", orderId).count()).toBe(0);
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      await waitForAttribute(paymentRow(page, orderId), "data-status", "SUCCESS");
      await waitForText(stockCell(page, "mouse-pad", "stock_level"), "49");
      await waitForCount(page.locator("#timeline-panel [data-event-type]"), 5);
      expect(await timelineTypes(page)).toEqual([
        "ORDER_CREATED",
        "INVENTORY_RESERVED",
        "PAYMENT_SUCCESS",
        "INVENTORY_CONFIRMED",
        "ORDER_COMPLETED",
      ]);
      expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "a payment failure moves the reservation PENDING → RELEASED and the order shows payment_failed",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["keyboard", 2]], paymentBehaviour: "failure" });
      await reservationCard(page, "PENDING", orderId).waitFor({ timeout: UI_WAIT_MS });
      await reservationCard(page, "RELEASED", orderId).waitFor({ timeout: UI_WAIT_MS });
      await waitForAttribute(orderRow(page, orderId), "data-status", "CANCELLED");
      expect(await textsOf(orderRow(page, orderId).locator(".source"))).toEqual(["payment_failed"]);
      await waitForText(stockCell(page, "keyboard", "reserved"), "0");
      expect(await textsOf(stockCell(page, "keyboard", "stock_level"))).toEqual(["21"]);
      await waitForAttribute(paymentRow(page, orderId), "data-status", "FAILED");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "an out-of-stock order is cancelled with inventory_depleted and never reserves",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["laptop", 50]] });
      await waitForText(orderRow(page, orderId).locator(".source"), "inventory_depleted");
      await waitForAttribute(orderRow(page, orderId), "data-status", "CANCELLED");
      await waitForCount(page.locator("#timeline-panel [data-event-type]"), 3);
      expect(await timelineTypes(page)).toEqual(["ORDER_CREATED", "INVENTORY_FAILED", "ORDER_CANCELLED"]);
      expect(await page.locator(`#reservations-panel [data-order-id="${orderId}"]`).count()).toBe(0);
      expect(await page.locator("#payments-panel tr[data-order-id]").count()).toBe(0);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the order form shows validation errors next to it and places nothing",
    async () => {
      const { context, page } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.fill('#order-form input[data-line="1"]', "0");
      await page.click("#order-form button[type=submit]");
      await page.locator("#order-form .form-errors").waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator("#order-form .form-errors").innerText()).toContain("line 1.quantity must be at least 1");
      expect(await page.locator("#orders-panel tr[data-order-id]").count()).toBe(0);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "an event that comes while a panel is being swapped in still refreshes it (the new panel listens at once)",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      // As soon as a new bus panel is in the page, the next live message comes (a timer's turn later):
      // the panel must hear it and fetch itself again. With a settle delay it was still deaf then.
      const refetched = await page.evaluate(
        () =>
          new Promise<boolean>((resolve) => {
            const live = document.getElementById("live")!;
            let swapped = false;
            document.addEventListener("htmx:before:settle", (event) => {
              if (swapped || (event.target as Element).id !== "bus-panel") return;
              swapped = true;
              setTimeout(() => live.dispatchEvent(new CustomEvent("DELIVERIES_CHANGED")), 0);
              document.addEventListener("htmx:before:request", (next) => {
                if ((next.target as Element).id === "bus-panel") resolve(true);
              });
              setTimeout(() => resolve(false), 2_000);
            });
            live.dispatchEvent(new CustomEvent("DELIVERIES_CHANGED"));
          }),
      );
      expect(refetched).toBe(true);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
