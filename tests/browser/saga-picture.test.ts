import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  orderRow,
  placeOrderThroughForm,
  until,
  useServerAndBrowser,
  waitForAttribute,
} from "./harness";

interface LoggedDelivery {
  eventSeq: number;
  eventType: string;
  reaction: string;
  outcome: string;
}

/** The diagram's delivery arrows as the page shows them now: seq, type, reaction, outcome. */
const drawnDeliveries = (page: Page) =>
  page
    .locator('#diagram-panel svg[aria-label*="sequence diagram"] [data-arrow="delivery"]')
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute("data-event-seq"),
        e.getAttribute("data-event-type"),
        e.getAttribute("data-reaction"),
        e.getAttribute("data-outcome"),
      ]),
    );

const mapEdges = (page: Page) =>
  page
    .locator('#diagram-panel svg[aria-label*="module map"] [data-map-edge]')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-map-edge")));

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the picture of a saga", () => {
  const env = useServerAndBrowser();

  test(
    "the diagram draws the arrows the delivery log tells of, an arrow shows its event's JSON, and the module map follows the settings",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const api = (method: string, path: string, body?: unknown) =>
        page.request.fetch(`${env.server.baseUrl}${path}`, {
          method,
          headers: { "x-session-id": sessionId, "content-type": "application/json" },
          ...(body === undefined ? {} : { data: JSON.stringify(body) }),
        });

      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      // Live: the panel redraws itself until it shows every attempt the log holds, and nothing else.
      let log: string[][] = [];
      await until(async () => {
        log = ((await (await api("GET", `/orders/${orderId}/deliveries`)).json()) as LoggedDelivery[]).map((d) => [
          String(d.eventSeq),
          d.eventType,
          d.reaction,
          d.outcome,
        ]);
        return log.length > 0 && JSON.stringify(await drawnDeliveries(page)) === JSON.stringify(log);
      }, "the diagram to draw the delivery log");
      expect(await page.locator('#diagram-panel [data-lane="orders"]').count()).toBe(1);
      expect(await page.locator('#diagram-panel [data-lane="payments"]').count()).toBe(1);
      expect(await page.locator("#diagram-panel svg[aria-label*='sequence diagram']").getAttribute("aria-label")).toContain(
        `${log.length} deliveries`,
      );

      // Clicking an arrow (here: the payment's success reaching inventory) shows its event's JSON, as the API answers it.
      const arrow = page.locator('#diagram-panel [data-arrow="delivery"][data-event-type="PAYMENT_SUCCESS"]').first();
      const seq = Number(await arrow.getAttribute("data-event-seq"));
      await arrow.click();
      const json = page.locator("#diagram-panel [data-event-json]");
      await json.waitFor({ timeout: 10_000 });
      const events = (await (await api("GET", `/orders/${orderId}/events`)).json()) as { seq: number }[];
      expect(JSON.parse(await json.innerText())).toEqual(events.find((e) => e.seq === seq));
      expect(await page.locator("#diagram-panel [data-explain]").innerText()).toContain("PAYMENT_SUCCESS (payments)");
      expect(await page.locator("#diagram-panel [aria-current=true]").getAttribute("data-event-type")).toBe("PAYMENT_SUCCESS");

      // The keyboard reaches an arrow too: Enter on a focused arrow selects it.
      const another = page.locator('#diagram-panel [data-arrow="delivery"][data-event-type="ORDER_COMPLETED"]').first();
      await another.focus();
      await page.keyboard.press("Enter");
      await until(
        async () => (await page.locator("#diagram-panel [aria-current=true]").getAttribute("data-event-type")) === "ORDER_COMPLETED",
        "Enter on an arrow to select it",
      );

      // The module map is the subscriptions under the session's settings: it changes live with them.
      expect(await mapEdges(page)).toContain("orders-inventory");
      expect(await mapEdges(page)).not.toContain("orders-orchestrator");
      expect((await api("PATCH", "/settings", { sagaStyle: "orchestration" })).status()).toBe(200);
      await until(async () => (await mapEdges(page)).includes("orders-orchestrator"), "the map to show the orchestrator");
      expect(await mapEdges(page)).not.toContain("orchestrator-shipping");
      expect((await api("PATCH", "/settings", { shipmentStep: true })).status()).toBe(200);
      await until(async () => (await mapEdges(page)).includes("orchestrator-shipping"), "the map to show the shipment step");

      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
