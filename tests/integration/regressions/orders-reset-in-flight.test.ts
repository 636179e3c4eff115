import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/** Delivers one due thing at a time (moving the clock when nothing is due) until `type` is in the session's log. */
async function deliverUntil(t: TestApp, type: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const log = await t.request("GET", "/events?limit=1000");
    if (log.body.some((e: { type: string }) => e.type === type)) return;
    if (t.relay.runDue(1) === 0) t.clock.set(t.relay.nextDueAt() ?? t.clock.now());
  }
  throw new Error(`${type} never happened`);
}

async function stockOf(t: TestApp, product: string) {
  const products = (await t.request("GET", "/inventory")).body as { id: string; stock_level: number; reserved: number }[];
  return products.find((p) => p.id === product);
}

// Found by the saga model test: POST /orders/reset dropped the deliveries of sagas in flight,
// so the stock they had reserved stayed reserved forever.
describe("POST /orders/reset with sagas in flight", () => {
  test("when stock is reserved and payment not yet charged, the stock comes back and the charge is voided", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 2 }] } });
    await deliverUntil(t, "INVENTORY_RESERVED");
    t.relay.runDue();
    expect(await stockOf(t, "laptop")).toMatchObject({ stock_level: 5, reserved: 2 });

    expect((await t.request("POST", "/orders/reset")).status).toBe(200);
    t.settle();

    expect(await stockOf(t, "laptop")).toMatchObject({ stock_level: 5, reserved: 0 });
    expect((await t.request("GET", "/payments")).body.map((p: { status: string }) => p.status)).toEqual(["FAILED"]);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("when the payment went through but the stock was not yet confirmed, the stock comes back and the money is refunded", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "monitor", quantity: 3 }], skipDemoDelays: true } });
    await deliverUntil(t, "PAYMENT_SUCCESS");

    await t.request("POST", "/orders/reset");
    t.settle();

    expect(await stockOf(t, "monitor")).toMatchObject({ stock_level: 15, reserved: 0 });
    expect((await t.request("GET", "/payments")).body.map((p: { status: string }) => p.status)).toEqual(["REFUNDED"]);
    expect((await t.request("GET", "/inventory/stats")).body.reservations).toMatchObject({
      pending_reservations: 0,
      released_reservations: 1,
    });
  });

  test("a second reset before the first one's compensation is delivered still gives everything back", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "keyboard", quantity: 4 }], skipDemoDelays: true } });
    await deliverUntil(t, "INVENTORY_RESERVED");

    await t.request("POST", "/orders/reset");
    await t.request("POST", "/orders/reset");
    t.settle();

    expect(await stockOf(t, "keyboard")).toMatchObject({ stock_level: 21, reserved: 0 });
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("a finished saga is not undone: a completed order's stock stays sold, and its payment goes with the order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 7 }], skipDemoDelays: true } });
    t.settle();

    await t.request("POST", "/orders/reset");
    t.settle();

    expect(await stockOf(t, "mouse")).toMatchObject({ stock_level: 60, reserved: 0 });
    expect((await t.request("GET", "/payments")).body).toEqual([]);
    expect((await t.request("GET", "/events")).body).toEqual([]);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
