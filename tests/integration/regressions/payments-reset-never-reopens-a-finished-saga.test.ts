import { describe, expect, test } from "bun:test";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by attacking the server: `POST /payments/reset` in step mode, then the held delivery of
 * INVENTORY_RESERVED that opens the payment, run after the order had COMPLETED, left a COMPLETED
 * order with a new PENDING payment that nothing would ever settle. Payments must not open (or
 * charge) a payment for a saga that is over.
 */
type Payment = { order_id: string; status: string };
const paymentsOf = async (t: TestApp, id: string) =>
  ((await t.request("GET", "/payments")).body as Payment[]).filter((p) => p.order_id === id).map((p) => p.status);

async function heldOrder(t: TestApp) {
  await t.request("POST", "/inventory/seed");
  await t.request("PATCH", "/settings", { body: { stepMode: true } });
  const id = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 2 }], skipDemoDelays: true } })).body.id;
  t.relay.runDue();
  await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
  return id as string;
}

describe("a payments reset never reopens a saga that is over", () => {
  test("the held opening of a completed order's payment, run after a payments reset, opens nothing", async () => {
    const t = createTestApp();
    const id = await heldOrder(t);
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // opens and charges; the opening stays held
    await deliverHeld(t, "inventory.confirmReservationWhenPaid");
    await deliverHeld(t, "orders.completeOrderWhenStockConfirmed");
    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("COMPLETED");

    await t.request("POST", "/payments/reset");
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();

    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("COMPLETED");
    expect(await paymentsOf(t, id)).toEqual([]);
    const report = t.checkConsistency({ sessionId: "test-session", settled: true });
    expect(report.violations.filter((v) => v.invariant === "finished_holds_nothing")).toEqual([]);
  });

  test("the held charge of a cancelled order, run after a payments reset, charges nothing", async () => {
    const t = createTestApp();
    const id = await heldOrder(t);
    await deliverHeld(t, "payments.openPaymentWhenStockReserved");
    await t.request("POST", `/orders/${id}/cancel?wait=0`);
    t.relay.runDue();
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested");
    await deliverHeld(t, "orders.cancelOrderWhenStockReleased");
    await deliverHeld(t, "payments.voidPaymentWhenOrderCancelled");
    expect(await paymentsOf(t, id)).toEqual(["FAILED"]);

    await t.request("POST", "/payments/reset");
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();

    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("CANCELLED");
    expect(await paymentsOf(t, id)).toEqual([]);
    const log = (await t.request("GET", "/events?limit=1000")).body as { type: string }[];
    expect(log.filter((e) => e.type === "PAYMENT_SUCCESS")).toEqual([]);
  });
});
