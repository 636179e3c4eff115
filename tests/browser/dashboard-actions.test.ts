import { describe, expect, test } from "bun:test";
import { RESET_INVENTORY_WARNING } from "../../src/dashboard/views/inventory";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  showTab,
  statusOf,
  until,
  useServerAndBrowser,
  watchHtmxRequest,
} from "./harness";

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the order form", () => {
  const env = useServerAndBrowser();

  test(
    "five quick clicks place five orders, and the form keeps what the user chose",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.selectOption('#order-form select[data-line="1"]', "keyboard");
      await page.fill('#order-form input[data-line="1"]', "2");
      await page.selectOption('#order-form select[name="paymentBehaviour"]', "failure");
      await page.setChecked('#order-form input[name="skipDemoDelays"]', true);
      for (let click = 0; click < 5; click += 1) await page.click("#order-form button[type=submit]");

      const placed = async () =>
        (await (await page.request.get(`${env.server.baseUrl}/orders`, { headers: { "x-session-id": await sessionOf(page) } })).json()) as {
          items: { product: string; quantity: number }[];
          paymentBehaviour: string;
        }[];
      await until(async () => (await placed()).length === 5, "five orders placed");
      expect((await placed()).every((o) => o.items[0]?.product === "keyboard" && o.paymentBehaviour === "failure")).toBe(true);
      // The choices are still there for the next order.
      expect(await page.inputValue('#order-form select[data-line="1"]')).toBe("keyboard");
      expect(await page.inputValue('#order-form input[data-line="1"]')).toBe("2");
      expect(await page.inputValue('#order-form select[name="paymentBehaviour"]')).toBe("failure");
      expect(await page.isChecked('#order-form input[name="skipDemoDelays"]')).toBe(true);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test("twenty quick orders: the timeline of each ends on its final event, never on an older one", async () => {
    const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
    for (let n = 0; n < 20; n += 1) {
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse", 1]], skipDemoDelays: true });
      await until(
        async () => {
          const shown = await page
            .locator("#timeline-panel .timeline-order")
            .getAttribute("data-order-id")
            .catch(() => null);
          const last = await page
            .locator("#timeline-panel [data-event-type]")
            .last()
            .getAttribute("data-event-type")
            .catch(() => null);
          return shown === orderId && last === "ORDER_COMPLETED";
        },
        `order ${n + 1}'s timeline to end on ORDER_COMPLETED`,
      );
    }
    // And it stays there: nothing older arrives afterwards. A later message on the stream makes
    // the timeline refresh once more; once that refresh has ended, every earlier one has ended
    // too (a newer refresh aborts the one in flight), so an older answer had its chance to land.
    const refreshed = await watchHtmxRequest(page, "/dashboard/timeline", "SETTINGS_CHANGED");
    const session = await sessionOf(page);
    expect((await page.request.patch(`${env.server.baseUrl}/settings`, { headers: { "x-session-id": session }, data: {} })).status()).toBe(
      200,
    );
    expect(await refreshed.ended()).toBe("swapped");
    expect(await page.locator("#timeline-panel [data-event-type]").last().getAttribute("data-event-type")).toBe("ORDER_COMPLETED");
    expect(await page.locator("#timeline-panel .waiting").count()).toBe(0);
    expect(seen.problems).toEqual([]);
    await context.close();
  }, 60_000);
});

const sessionOf = (page: import("playwright-core").Page) => page.locator("#session-id").innerText();

/** One product of the page's session, as `GET /inventory` answers it. */
async function productOf(page: import("playwright-core").Page, baseUrl: string, id: string) {
  const response = await page.request.get(`${baseUrl}/inventory`, { headers: { "x-session-id": await sessionOf(page) } });
  return ((await response.json()) as { id: string; stock_level: number; reserved: number }[]).find((p) => p.id === id);
}

describe.skipIf(!chromiumAvailable)("dashboard in chromium: resetting inventory", () => {
  const env = useServerAndBrowser();

  test(
    "Reset inventory asks first, saying what happens to orders in flight; declined, it changes nothing",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]] });
      await page.locator(`#reservations-panel [data-column="PENDING"] [data-order-id="${orderId}"]`).waitFor({ timeout: 10_000 });
      const issued: string[] = [];
      page.on("request", (request) => issued.push(new URL(request.url()).pathname));
      const reset = await watchHtmxRequest(page, "/dashboard/inventory/reset");
      await page.click("#inventory-panel button:has-text('Reset inventory')");
      await until(async () => seen.dialogs.length === 1, "the confirmation");
      expect(seen.dialogs[0]).toBe(`confirm: ${RESET_INVENTORY_WARNING}`);
      // The harness declines every dialog. Once htmx has finished with the click, the request
      // either went out or never will: it did not, and the reservation is still held.
      expect(await reset.ended()).toBe("issuing");
      expect(issued).not.toContain("/dashboard/inventory/reset");
      expect(await page.locator(`#reservations-panel [data-column="PENDING"] [data-order-id="${orderId}"]`).count()).toBe(1);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!chromiumAvailable)("dashboard in chromium: a second screen on the same session", () => {
  const env = useServerAndBrowser();

  test(
    "sees seeds and resets made anywhere in the session, live",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const session = await sessionOf(page);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse", 1]], skipDemoDelays: true });
      await page.locator(`#orders-panel tr[data-order-id="${orderId}"][data-status="COMPLETED"]`).waitFor({ timeout: 10_000 });
      const api = (path: string, body?: unknown) =>
        page.request.post(`${env.server.baseUrl}${path}`, {
          headers: { "x-session-id": session, "content-type": "application/json" },
          data: body ?? {},
        });

      // From curl, not from this page: the page hears of it on its stream.
      expect(
        (await api("/inventory/seed", { products: [{ id: "gizmo", name: "Workshop Gizmo", stock_level: 3, price_cents: 500 }] })).status(),
      ).toBe(200);
      await page.locator('#inventory-panel tr[data-product-id="gizmo"]').waitFor({ timeout: 10_000 });
      expect(await page.locator("#inventory-panel tr[data-product-id]").count()).toBe(1);

      expect((await api("/orders/reset")).status()).toBe(200);
      await until(async () => (await page.locator("#orders-panel tr[data-order-id]").count()) === 0, "the orders list to empty");
      expect((await api("/payments/reset")).status()).toBe(200);
      await until(async () => (await page.locator("#payments-panel tr[data-order-id]").count()) === 0, "the payments list to empty");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "follows the newest order placed anywhere in the session, until it pins one",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      const projectorContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const projector = await projectorContext.newPage();
      await projector.goto(attendee.page.url());
      await projector.locator("#live[data-state=open]").waitFor({ timeout: 10_000 });
      const shownOn = async (id: string) => {
        await until(async () => {
          const shown = await projector
            .locator("#timeline-panel .timeline-order")
            .getAttribute("data-order-id")
            .catch(() => null);
          const last = await projector
            .locator("#timeline-panel [data-event-type]")
            .last()
            .getAttribute("data-event-type")
            .catch(() => null);
          return shown === id && last === "ORDER_COMPLETED";
        }, `the projector's timeline to show order ${id} completed`);
      };

      const first = await placeOrderThroughForm(attendee.page, { lines: [["mouse", 1]], skipDemoDelays: true });
      await shownOn(first);
      const second = await placeOrderThroughForm(attendee.page, { lines: [["headset", 1]], skipDemoDelays: true });
      await shownOn(second);

      // Pinned, it stays on its order whatever the attendee places next.
      await projector.click("#timeline-panel .follow-toggle[data-following=true]");
      await projector.locator("#timeline-panel .follow-toggle[data-following=false]").waitFor({ timeout: 10_000 });
      const third = await placeOrderThroughForm(attendee.page, { lines: [["keyboard", 1]], skipDemoDelays: true });
      await until(
        async () =>
          (await projector
            .locator(`#orders-panel tr[data-order-id="${third}"]`)
            .getAttribute("data-status")
            .catch(() => null)) === "COMPLETED",
        "the third order to complete on the projector's list",
      );
      expect(await projector.locator("#timeline-panel .timeline-order").getAttribute("data-order-id")).toBe(second);

      // Following again, it moves on to the newest.
      await projector.click("#timeline-panel .follow-toggle[data-following=false]");
      await shownOn(third);
      expect(attendee.seen.problems).toEqual([]);
      await attendee.context.close();
      await projectorContext.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the invariant panel and the race", () => {
  const env = useServerAndBrowser();

  test(
    "the invariant panel is green, and turns red in plain words when an inventory reset orphans a completed order",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      await page.locator(`#orders-panel tr[data-order-id="${orderId}"][data-status="COMPLETED"]`).waitFor({ timeout: 10_000 });
      // The invariants panel is in the Details tab.
      await showTab(page, "details");
      await page.locator('#invariants-panel [data-consistent="true"]').waitFor({ timeout: 10_000 });

      // The reset drops the completed order's confirmed reservation: a sold order with no stock taken.
      const session = await sessionOf(page);
      await page.request.post(`${env.server.baseUrl}/inventory/reset`, { headers: { "x-session-id": session } });
      await page.locator('#invariants-panel [data-consistent="false"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#invariants-panel [data-invariant="completed_pairing"]').innerText()).toContain(
        "A finished order does not match its payment and its reservation",
      );
      expect(await page.locator("#invariants-panel").innerText()).toContain(orderId);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the race: twenty orders for the last five laptops, and exactly five win",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await showTab(page, "details");
      await page.selectOption('#race-panel select[name="product"]', "laptop");
      await page.fill('#race-panel input[name="count"]', "20");
      await page.click("#race-panel button[type=submit]");
      const result = page.locator("#race-panel .race-result");
      await until(async () => (await result.getAttribute("data-running").catch(() => null)) === "0", "the race to finish");
      expect(await result.getAttribute("data-completed")).toBe("5");
      expect(await result.getAttribute("data-cancelled")).toBe("15");
      expect(await result.innerText()).toContain("20 orders for 1 × laptop with 5 left");
      const laptop = await productOf(page, env.server.baseUrl, "laptop");
      expect([laptop!.stock_level, laptop!.reserved]).toEqual([0, 0]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!chromiumAvailable)("dashboard in chromium: duplicates", () => {
  const env = useServerAndBrowser();

  test(
    "Redeliver on a delivered event shows each reaction ignoring the duplicate, and nothing changes",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      const reserved = page.locator('#timeline-panel li[data-event-type="INVENTORY_RESERVED"]');
      await until(
        async () =>
          (await page
            .locator("#timeline-panel [data-event-type]")
            .last()
            .getAttribute("data-event-type")
            .catch(() => null)) === "ORDER_COMPLETED",
        "the saga to complete",
      );
      expect(await reserved.locator('[data-outcome="applied"]').count()).toBe(3);
      const stock = () => productOf(page, env.server.baseUrl, "mouse-pad");
      const before = await stock();

      await reserved.locator("button.redeliver").click();
      await until(async () => (await reserved.locator('[data-outcome="duplicate_ignored"]').count()) === 3, "three ignored duplicates");
      expect(await reserved.locator('[data-outcome="duplicate_ignored"]').first().innerText()).toContain("ignored: already processed");
      expect(await page.locator(`#orders-panel tr[data-order-id="${orderId}"]`).getAttribute("data-status")).toBe("COMPLETED");
      expect(await stock()).toEqual(before);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!chromiumAvailable)("dashboard in chromium: stepping the bus", () => {
  const env = useServerAndBrowser();

  test(
    "with step mode on, a saga is stepped through to COMPLETED one delivery at a time from the bus panel",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.click("#bus-panel .step-mode");
      await page.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: 10_000 });
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
      const order = page.locator(`#orders-panel tr[data-order-id="${orderId}"]`);

      // The saga's six steps, the customer's notification, and nothing else until COMPLETED.
      const reactions: string[] = [];
      for (let step = 0; step < 7; step += 1) {
        const next = page.locator('#bus-panel tr[data-held="true"]').first();
        await next.waitFor({ timeout: 10_000 });
        const id = await next.getAttribute("data-delivery-id");
        reactions.push((await next.getAttribute("data-reaction"))!);
        // Nothing moves on its own while it is held.
        expect(await order.getAttribute("data-status")).not.toBe("COMPLETED");
        await page.click("#bus-panel button.step-next");
        await until(async () => (await page.locator(`#bus-panel tr[data-delivery-id="${id}"]`).count()) === 0, `delivery ${id} to run`);
      }
      await waitForOrderStatus(page, orderId, "COMPLETED");
      expect(reactions[0]).toBe("inventory.reserveStockWhenOrderCreated");
      expect(reactions.at(-1)).toBe("orders.completeOrderWhenStockConfirmed");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

async function waitForOrderStatus(page: import("playwright-core").Page, orderId: string, status: string) {
  await until(async () => (await statusOf(page, orderId)) === status, `order ${orderId} ${status}`);
}
