import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found walking the workshop script: the order's timeout (orders.cancelOrderWhenTimedOut) stayed
 * scheduled after the saga ended, so GET /bus/deliveries and the bus panel listed it for a
 * completed order, step mode's Step ran it, and five minutes later the timeline of a COMPLETED
 * order said "cancelOrderWhenTimedOut: applied". A saga that has ended has nothing left on the
 * bus: the timeout goes in the same write that makes the order final, in every saga style.
 */
const styles = ["choreography", "orchestration", "rpc"] as const;
const TIMEOUT = "orders.cancelOrderWhenTimedOut";

const endings = {
  completed: { items: [{ product: "mouse-pad", quantity: 5 }] },
  paymentFailed: { items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure" },
  outOfStock: { items: [{ product: "laptop", quantity: 999 }] },
} as const;

const reactionsRun = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", `/orders/${orderId}/deliveries`)).body as { reaction: string }[]).map((d) => d.reaction);

describe("a saga that has ended has nothing left on the bus", () => {
  for (const style of styles) {
    for (const [ending, body] of Object.entries(endings)) {
      test(`${style}, ${ending}: no delivery is left, and past the deadline the timeout never ran`, async () => {
        const t = createTestApp();
        await t.request("POST", "/inventory/seed");
        const placed = await t.request("POST", "/orders", { body: { ...body, sagaStyle: style, skipDemoDelays: true } });
        expect(placed.status).toBe(200);
        t.settle(t.clock.now() + 60_000); // not as far as the 5-minute deadline
        const order = (await t.request("GET", `/orders/${placed.body.id}`)).body;
        expect(order.status).toBe(ending === "completed" ? "COMPLETED" : "CANCELLED");
        const left = (await t.request("GET", "/bus/deliveries")).body as { reaction: string }[];
        // rpc's reservation expiry is inventory's own timer, not the order's: it is not asked about here.
        expect(left.filter((d) => d.reaction !== "inventory.releaseHeldReservationWhenExpired")).toEqual([]);

        t.settle(t.clock.now() + 600_000); // well past the deadline
        expect(await reactionsRun(t, order.id)).not.toContain(TIMEOUT);
        expect((await t.request("GET", `/orders/${order.id}`)).body.status).toBe(order.status);
        const types = ((await t.request("GET", `/orders/${order.id}/events`)).body as { type: string }[]).map((e) => e.type);
        expect(types).not.toContain("ORDER_CANCELLATION_REQUESTED");
        expect(t.checkConsistency().consistent).toBe(true);
      });
    }
  }

  test("a completed order cancelled by its customer has no timeout either", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const placed = await t.request("POST", "/orders", { body: { ...endings.completed, skipDemoDelays: true } });
    t.settle(t.clock.now() + 60_000);
    expect((await t.request("POST", `/orders/${placed.body.id}/cancel`)).status).toBe(200);
    t.settle(t.clock.now() + 60_000);
    expect((await t.request("GET", `/orders/${placed.body.id}`)).body.status).toBe("CANCELLED");
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
    t.settle();
    expect(await reactionsRun(t, placed.body.id)).not.toContain(TIMEOUT);
  });

  test("the timeout still cancels an order that is not final in time", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { orderTimeoutMs: 2_000, paymentDelayMs: 10_000 } });
    const placed = await t.request("POST", "/orders", { body: { ...endings.completed, skipDemoDelays: false } });
    t.settle();
    const order = (await t.request("GET", `/orders/${placed.body.id}`)).body;
    expect(order).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect(await reactionsRun(t, order.id)).toContain(TIMEOUT);
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
  });

  test("an order completed in the same round in which its timeout falls due: the round runs no timeout it already read", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    // The charge is due 1 ms before the deadline; the server is down past both, so one round
    // reads both rows as due, completes the order first and must then skip the deadline it read.
    await t.request("PATCH", "/settings", { body: { inventoryDelayMs: 0, paymentDelayMs: 4_999, orderTimeoutMs: 5_000 } });
    const placed = await t.request("POST", "/orders", { body: { ...endings.completed, skipDemoDelays: false } });
    t.relay.runDue(); // reserved; the charge and the deadline are scheduled
    const due = ((await t.request("GET", "/bus/deliveries")).body as { reaction: string }[]).map((d) => d.reaction);
    expect(due).toEqual(["payments.chargeWhenStockReserved", TIMEOUT]);
    t.clock.set(t.clock.now() + 6_000);
    t.relay.runDue();
    expect((await t.request("GET", `/orders/${placed.body.id}`)).body.status).toBe("COMPLETED");
    expect(await reactionsRun(t, placed.body.id)).not.toContain(TIMEOUT);
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
  });
});
