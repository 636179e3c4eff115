import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { publisherOf, type SagaEventType } from "../../src/modules/events";
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
import { type Api, apiOf, drawnDeliveries, type SagaScene, sagaScenes, sequenceDiagram, untilDiagramDrawsLog } from "./saga-scenes";

const drawnLanes = (page: Page) =>
  sequenceDiagram(page)
    .locator("[data-lane]")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-lane")));

/**
 * Waits until the diagram of `orderId` draws every attempt the delivery log holds, and nothing
 * else, with a lane for each module the log names (the emitter and the reacting module of each
 * delivery); answers the log.
 */
async function expectDiagramOfLog(page: Page, api: Api, orderId: string) {
  const log = await untilDiagramDrawsLog(page, api, orderId);
  const modules = new Set(log.flatMap(([, type, reaction]) => [publisherOf(type as SagaEventType), reaction!.split(".", 1)[0]!]));
  expect(new Set(await drawnLanes(page))).toEqual(modules);
  return log;
}

/** A fresh session's dashboard, following the newest order, and the session's API. */
async function openDashboard(env: ReturnType<typeof useServerAndBrowser>) {
  const dashboard = await openFreshDashboard(env.browser, env.server.baseUrl);
  return { ...dashboard, api: apiOf(dashboard.page, env.server.baseUrl, dashboard.sessionId) };
}

/** Plays `scene` in a fresh session and checks the diagram the dashboard draws of it against its log. */
async function diagramOfScene(env: ReturnType<typeof useServerAndBrowser>, scene: SagaScene) {
  const { context, page, seen, api } = await openDashboard(env);
  const orderId = await sagaScenes[scene](api);
  const log = await expectDiagramOfLog(page, api, orderId);
  const arrows = (selector: string) => page.locator(`#diagram-panel [data-arrow="delivery"]${selector}`);
  return { context, page, seen, api, orderId, log, arrows };
}

const mapEdges = (page: Page) =>
  page
    .locator('#diagram-panel svg[aria-label*="module map"] [data-map-edge]')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-map-edge")));

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the picture of a saga", () => {
  // Quick retries: the dead-lettered saga's five attempts end in well under a second.
  const env = useServerAndBrowser({ retryBaseMs: 20 });

  test(
    "the diagram draws the arrows the delivery log tells of, an arrow shows its event's JSON, and the module map follows the settings",
    async () => {
      const { context, page, seen, api } = await openDashboard(env);

      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      // Live: the panel redraws itself until it shows every attempt the log holds, and nothing else.
      const log = await expectDiagramOfLog(page, api, orderId);
      expect(await drawnLanes(page)).toEqual(["orders", "inventory", "payments", "notifications"]);
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

  test(
    "a declined payment: the diagram has a payments lane, and the stock handed back is a compensation arrow",
    async () => {
      const { context, seen, arrows, page } = await diagramOfScene(env, "payment-failed");
      expect(await drawnLanes(page)).toContain("payments");
      expect(await arrows('[data-event-type="PAYMENT_FAILED"][data-compensation="true"]').count()).toBeGreaterThan(0);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "an order out of stock: payments never charges, so each arrow into its lane reads 'nothing to do' and none leaves it",
    async () => {
      const { context, seen, arrows } = await diagramOfScene(env, "out-of-stock");
      // The log holds payments' deliveries (a refund or void whose decision found no money taken): drawn, as no-ops.
      const intoPayments = await arrows('[data-to="payments"] .sd-label').allTextContents();
      expect(intoPayments.length).toBeGreaterThan(0);
      for (const label of intoPayments) expect(label).toContain("nothing to do");
      expect(await arrows('[data-from="payments"]').count()).toBe(0);
      expect(await arrows('[data-event-type="PAYMENT_SUCCESS"], [data-event-type="PAYMENT_FAILED"]').count()).toBe(0);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "an order cancelled after it completed: the restock and the refund are compensation arrows",
    async () => {
      const { context, seen, arrows } = await diagramOfScene(env, "cancelled-after-completion");
      const undone = await arrows('[data-compensation="true"]').evaluateAll((els) =>
        els.map((e) => `${e.getAttribute("data-event-type")} → ${e.getAttribute("data-reaction")}`),
      );
      expect(undone.some((a) => a.includes("inventory.") && /restock|return/i.test(a))).toBe(true);
      expect(undone.some((a) => a.includes("payments.") && /refund/i.test(a))).toBe(true);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "dead-lettered deliveries: each reaction's attempts are drawn as failed, its last one dead-lettered",
    async () => {
      const { context, seen, arrows, log } = await diagramOfScene(env, "dead-lettered");
      const dead = log.filter(([, , , outcome]) => outcome === "dead_lettered");
      expect(dead.length).toBeGreaterThan(0);
      expect(await arrows('[data-outcome="dead_lettered"]').count()).toBe(dead.length);
      expect(await arrows('[data-outcome="failed"]').count()).toBe(log.length - dead.length);
      expect(await arrows('[data-outcome="dead_lettered"] .sd-label').first().textContent()).toContain("dead-lettered after 5 attempts");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "in step mode the next delivery is drawn as a ghost held by step mode",
    async () => {
      const { context, seen, api, page } = await openDashboard(env);
      expect((await api("PATCH", "/settings", { stepMode: true })).status()).toBe(200);
      const placed = (await (
        await api("POST", "/orders", { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true })
      ).json()) as {
        id: string;
      };
      const held = page.locator('#diagram-panel [data-arrow="upcoming"][data-outcome="held"]');
      await until(
        async () => (await sequenceDiagram(page).getAttribute("data-order-id")) === placed.id && (await held.count()) > 0,
        "a held arrow in the diagram of the new order",
      );
      expect(await held.first().getAttribute("data-event-type")).toBe("ORDER_CREATED");
      expect(await drawnDeliveries(page)).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
