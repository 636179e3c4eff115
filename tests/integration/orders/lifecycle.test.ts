import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { eventTypesOf, expectConsistent, orderOf, paymentOf, reservationOf } from "../../support/reads";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * The saga's lifecycle: cancel (customer), expiry, timeout. Every race of a cancel with the
 * saga is driven by hand, delivery by delivery, in step mode: each interleaving ends with
 * exactly one outcome (completed and charged, or cancelled with nothing held and nothing
 * charged), and the checker agrees.
 */

// The seed's order: 5 Mouse Pads at 24.99 = 124.95, from a stock of 54.
const fivePads = { items: [{ product: "mouse-pad", quantity: 5 }] };

async function setUp(settings: Record<string, unknown> = {}) {
  const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
  await t.request("POST", "/inventory/seed");
  if (Object.keys(settings).length > 0) await t.request("PATCH", "/settings", { body: settings });
  return t;
}

const padOf = async (t: TestApp) =>
  ((await t.request("GET", "/inventory")).body as { id: string; stock_level: number; reserved: number }[]).find(
    (p) => p.id === "mouse-pad",
  );
const cancel = (t: TestApp, orderId: string, session?: string) => t.request("POST", `/orders/${orderId}/cancel?wait=0`, { session });

describe("POST /orders/:id/cancel", () => {
  test("a PENDING order cancelled before inventory reacts: nothing is ever reserved or charged", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.relay.runDue();
    // The answer waits (up to ?wait=, 2 s by default) for the order to read CANCELLED; here the
    // relay runs on the test's hand, so after 100 ms it shows the request, and the next round ends the saga.
    const answer = await t.request("POST", `/orders/${id}/cancel?wait=100`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: "PENDING", cancellationRequestedBy: "customer" });
    t.settle();
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await reservationOf(t, id)).toMatchObject({ status: "RELEASED" });
    expect(await paymentOf(t, id)).toBeUndefined();
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    // The reservation attempt, due 3 s after the order, found the books closed.
    expect(await eventTypesOf(t, id)).toEqual(["ORDER_CREATED", "ORDER_CANCELLATION_REQUESTED", "INVENTORY_RELEASED", "ORDER_CANCELLED"]);
    expectConsistent(t);
  });

  test("a PROCESSING order (stock held, charge waiting): the stock goes back and the charge is voided", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.clock.advance(3_000);
    t.relay.runDue();
    expect(await padOf(t)).toMatchObject({ reserved: 5 });
    await cancel(t, id);
    t.settle();
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await reservationOf(t, id)).toMatchObject({ status: "RELEASED", releaseReason: "Cancelled by the customer" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "FAILED" });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("a COMPLETED order: its 5 units go back on the shelf, 124.95 is refunded, the reservation stays CONFIRMED", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: { ...fivePads, skipDemoDelays: true } })).body.id;
    t.relay.runDue();
    expect(await padOf(t)).toMatchObject({ stock_level: 49 });
    await cancel(t, id);
    t.relay.runDue();
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer", totalCents: 12495 });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(await reservationOf(t, id)).toMatchObject({ status: "CONFIRMED" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expect((await eventTypesOf(t, id)).slice(-4)).toEqual([
      "ORDER_CANCELLATION_REQUESTED",
      "INVENTORY_RESTOCKED",
      "PAYMENT_REFUNDED",
      "ORDER_CANCELLED",
    ]);
    const refunded = ((await t.request("GET", `/orders/${id}/events`)).body as { type: string; data: { amountCents?: number } }[]).find(
      (e) => e.type === "PAYMENT_REFUNDED",
    );
    expect(refunded?.data.amountCents).toBe(12495);
    expectConsistent(t);
  });

  test("twice: the second request changes nothing; once cancelled, a third is 409; another session's order is 404", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    expect((await cancel(t, id)).status).toBe(200);
    const before = countAllRows(t.deps.db);
    expect((await cancel(t, id)).body).toMatchObject({ cancellationRequestedBy: "customer" });
    expect(countAllRows(t.deps.db)).toEqual(before);
    t.settle();
    const third = await cancel(t, id);
    expect(third.status).toBe(409);
    expect(third.body.code).toBe("INVALID_STATE");
    expect((await cancel(t, id, "other")).status).toBe(404);
    expect((await eventTypesOf(t, id)).filter((type) => type === "ORDER_CANCELLATION_REQUESTED")).toHaveLength(1);
    expectConsistent(t);
  });

  test("an order already cancelled by its saga (out of stock) is 409, and keeps its cancellationSource", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 99 }], skipDemoDelays: true } })).body
      .id;
    t.relay.runDue();
    expect((await cancel(t, id)).status).toBe(409);
    expect(await orderOf(t, id)).toMatchObject({ cancellationSource: "inventory_depleted", cancellationRequestedBy: null });
  });
});

describe("races with a cancel, each interleaving driven by hand (step mode)", () => {
  async function heldOrder() {
    const t = await setUp({ stepMode: true });
    const id = (await t.request("POST", "/orders", { body: { ...fivePads, skipDemoDelays: true } })).body.id;
    t.relay.runDue();
    await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
    await deliverHeld(t, "orders.markProcessingWhenStockReserved");
    await deliverHeld(t, "payments.openPaymentWhenStockReserved");
    return { t, id };
  }

  async function finish(t: TestApp) {
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
  }

  test("cancel while the payment is being taken: charged first, stock handed back before confirming → refunded", async () => {
    const { t, id } = await heldOrder();
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // PAYMENT_SUCCESS, not yet seen by inventory
    await cancel(t, id);
    t.relay.runDue(); // the request is handed over: held
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested"); // released while the charge stands
    await deliverHeld(t, "inventory.confirmReservationWhenPaid"); // nothing to confirm: INVENTORY_FAILED (confirm)
    await finish(t);
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("cancel while the payment is being taken: the request handled before the charge → voided, never charged", async () => {
    const { t, id } = await heldOrder();
    await cancel(t, id);
    t.relay.runDue(); // the request is handed over: held
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested");
    await deliverHeld(t, "orders.cancelOrderWhenStockReleased");
    await deliverHeld(t, "payments.voidPaymentWhenOrderCancelled");
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // finds the payment voided
    await finish(t);
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "FAILED" });
    expect(await eventTypesOf(t, id)).not.toContain("PAYMENT_SUCCESS");
    expectConsistent(t);
  });

  test("cancel while the reservation is being confirmed: confirmed, then put back and refunded", async () => {
    const { t, id } = await heldOrder();
    await deliverHeld(t, "payments.chargeWhenStockReserved");
    await deliverHeld(t, "inventory.confirmReservationWhenPaid"); // INVENTORY_CONFIRMED, order still PROCESSING
    await cancel(t, id);
    t.relay.runDue(); // the request is handed over: held
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested"); // restocked
    await deliverHeld(t, "payments.refundWhenStockRestocked");
    await deliverHeld(t, "orders.cancelOrderWhenPaymentRefunded"); // cancelled before it could complete
    await deliverHeld(t, "orders.completeOrderWhenStockConfirmed"); // too late: stays CANCELLED
    await finish(t);
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("a charge that lands after the stock was handed back: refunded, and the order is cancelled once, by the customer", async () => {
    const { t, id } = await heldOrder();
    await cancel(t, id);
    t.relay.runDue(); // the request is handed over: held
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested"); // released
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // the charge was already on its way: SUCCESS
    await deliverHeld(t, "inventory.confirmReservationWhenPaid"); // nothing held: INVENTORY_FAILED (confirm), cause customer
    await deliverHeld(t, "payments.refundWhenStockNotDelivered");
    await deliverHeld(t, "orders.cancelOrderWhenPaymentRefunded"); // before the release reaches orders
    await finish(t);
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect((await eventTypesOf(t, id)).filter((type) => type === "ORDER_CANCELLED")).toHaveLength(1);
    expectConsistent(t);
  });

  test("a timeout racing a customer's cancel: whoever asked first is the order's cancellationSource, once", async () => {
    const { t, id } = await heldOrder();
    await cancel(t, id);
    t.relay.runDue();
    await deliverHeld(t, "orders.cancelOrderWhenTimedOut"); // the deadline, stepped early: already asked
    await finish(t);
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect((await eventTypesOf(t, id)).filter((type) => type === "ORDER_CANCELLATION_REQUESTED")).toHaveLength(1);
    expectConsistent(t);
  });
});

describe("reservation expiry (reservationTtlMs)", () => {
  test("a PENDING reservation past its time is RELEASED as expired and its order cancelled by timeout; the charge never happens", async () => {
    const t = await setUp({ reservationTtlMs: 2_000 });
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.clock.advance(3_000);
    t.relay.runDue(); // reserved at +3 s, expires at +5 s; the charge is due at +8 s
    const reservation = ((await t.request("GET", "/inventory/reservations")).body as { expiresAt: string }[])[0];
    expect(reservation?.expiresAt).toBe(new Date(t.clock.now() + 2_000).toISOString());
    t.settle();
    expect(await reservationOf(t, id)).toMatchObject({ status: "RELEASED", releaseReason: "expired" });
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout", errorMessage: "expired" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "FAILED" });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("an expiry that fires while the payment succeeds: the money is refunded", async () => {
    const t = await setUp({ reservationTtlMs: 2_000, stepMode: true });
    const id = (await t.request("POST", "/orders", { body: { ...fivePads, skipDemoDelays: true } })).body.id;
    t.relay.runDue();
    await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
    await deliverHeld(t, "payments.openPaymentWhenStockReserved");
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // PAYMENT_SUCCESS
    await deliverHeld(t, "inventory.releaseReservationWhenExpired"); // expired before the confirmation
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    // Whichever reaches orders first, the refund or the release, the order was cancelled by its timeout.
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expectConsistent(t);
  });

  test("a reservation settled in time is left alone; with no TTL nothing is scheduled for expiry", async () => {
    const t = await setUp({ reservationTtlMs: 60_000 });
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.settle();
    expect(await orderOf(t, id)).toMatchObject({ status: "COMPLETED" });
    const log = (await t.request("GET", `/orders/${id}/deliveries`)).body as { reaction: string }[];
    expect(log.some((e) => e.reaction === "inventory.releaseReservationWhenExpired")).toBe(true);

    const without = await setUp();
    const other = (await without.request("POST", "/orders", { body: fivePads })).body.id;
    without.settle();
    const otherLog = (await without.request("GET", `/orders/${other}/deliveries`)).body as { reaction: string }[];
    expect(otherLog.some((e) => e.reaction === "inventory.releaseReservationWhenExpired")).toBe(false);
    expectConsistent(t);
  });
});

describe("order timeout (orderTimeoutMs)", () => {
  test("an order not final after its timeout is cancelled by timeout, with its stock handed back and its charge voided", async () => {
    const t = await setUp({ orderTimeoutMs: 10_000, paymentDelayMs: 60_000 });
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.settle(t.clock.now() + 20_000);
    expect(await orderOf(t, id)).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "timeout",
      errorMessage: "Order not final after 10000 ms",
    });
    expect(await padOf(t)).toMatchObject({ stock_level: 54, reserved: 0 });
    t.settle();
    expect(await paymentOf(t, id)).toMatchObject({ status: "FAILED" });
    expectConsistent(t);
  });

  test("the deadline is due in the relay's schedule (one row per order), and finds a completed order done", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    t.relay.runDue();
    const scheduled = (await t.request("GET", "/bus/deliveries")).body as { reaction: string; dueAt: string }[];
    expect(scheduled.find((d) => d.reaction === "orders.cancelOrderWhenTimedOut")?.dueAt).toBe(
      new Date(t.clock.now() + 300_000).toISOString(),
    );
    t.settle();
    expect(await orderOf(t, id)).toMatchObject({ status: "COMPLETED" });
    expectConsistent(t);
  });
});

describe("the checker while a saga is undone, delivery by delivery", () => {
  // Found by `npm run fuzz`: a completed order, cancelled, is restocked before it is refunded
  // and cancelled; mid-flight the checker must wait for that, and hold again once it is done.
  test("cancelling a completed order is consistent after every single delivery, and after draining", async () => {
    const t = await setUp();
    const id = (await t.request("POST", "/orders", { body: { ...fivePads, skipDemoDelays: true } })).body.id;
    t.relay.runDue();
    await cancel(t, id);
    for (let step = 0; step < 20 && t.relay.runDue(1) > 0; step += 1) {
      expect(t.checkConsistency({ sessionId: "test-session" })).toEqual({ consistent: true, violations: [] });
    }
    expect(await orderOf(t, id)).toMatchObject({ status: "CANCELLED" });
    t.settle();
    expectConsistent(t);
  });

  test("a late charge refunded after its order was cancelled is consistent after every single delivery", async () => {
    const t = await setUp({ stepMode: true });
    const id = (await t.request("POST", "/orders", { body: { ...fivePads, skipDemoDelays: true } })).body.id;
    t.relay.runDue();
    await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
    await deliverHeld(t, "payments.openPaymentWhenStockReserved");
    await cancel(t, id);
    t.relay.runDue();
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested");
    await deliverHeld(t, "orders.cancelOrderWhenStockReleased"); // CANCELLED, and the charge still on its way
    expect(t.checkConsistency({ sessionId: "test-session" }).consistent).toBe(true);
    await deliverHeld(t, "payments.chargeWhenStockReserved"); // SUCCESS for a cancelled order, refunded next
    expect(t.checkConsistency({ sessionId: "test-session" }).consistent).toBe(true);
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect(await paymentOf(t, id)).toMatchObject({ status: "REFUNDED" });
    expectConsistent(t);
  });
});
