import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by kill -9 during a demo: an order whose reservation expired while the server was down
 * was charged after the release and refunded twice (PAYMENT_REFUNDED twice, the inbox said
 * "refunded, refunded"); with the server up the same saga ends with its payment FAILED. A
 * restart finds several due times passed at once, and the relay runs the overdue rows in one
 * round. In-process, the downtime is a manual clock jumped past those due times before one
 * settle(); the outcome must be the one the same saga has when the clock walks to each due time.
 */

type Knobs = Record<string, unknown>;
const orders = [
  { items: [{ product: "mouse-pad", quantity: 5 }] },
  { items: [{ product: "mouse-pad", quantity: 1 }], paymentBehaviour: "failure" },
  { items: [{ product: "usb-c-hub", quantity: 2 }], paymentBehaviour: "success" },
];

async function sagasWith(knobs: Knobs) {
  const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
  await t.request("POST", "/inventory/seed");
  await t.request("PATCH", "/settings", { body: knobs });
  for (const body of orders) await t.request("POST", "/orders", { body });
  return t;
}

/** Everything a person could see of the sagas' ends, in a form that does not depend on when they ran. */
async function outcome(t: TestApp) {
  const placed = ((await t.request("GET", "/orders")).body as { id: string }[]).map((o) => o.id).sort();
  const perOrder = [];
  for (const id of placed) {
    const order = (await t.request("GET", `/orders/${id}`)).body;
    const events = ((await t.request("GET", `/orders/${id}/events`)).body as { type: string }[]).map((e) => e.type);
    const payment = ((await t.request("GET", "/payments")).body as { order_id: string; status: string }[]).find((p) => p.order_id === id);
    const reservation = ((await t.request("GET", "/inventory/reservations")).body as { orderId: string; status: string }[]).find(
      (r) => r.orderId === id,
    );
    perOrder.push({
      status: order.status,
      cancellationSource: order.cancellationSource ?? null,
      payment: payment?.status ?? null,
      reservation: reservation?.status ?? null,
      events,
    });
  }
  const inbox = ((await t.request("GET", "/notifications")).body as { kind: string }[]).map((m) => m.kind).sort();
  const stock = ((await t.request("GET", "/inventory")).body as { id: string; stock_level: number; reserved: number }[]).map(
    ({ id, stock_level, reserved }) => ({ id, stock_level, reserved }),
  );
  const consistency = t.checkConsistency({ sessionId: "test-session", settled: true });
  return { perOrder, inbox, stock, consistency };
}

/** With the server up: the clock walks to each due time and the relay delivers it then. */
async function withoutDowntime(knobs: Knobs, downAfterMs: number) {
  const t = await sagasWith(knobs);
  t.settle(t.clock.now() + downAfterMs);
  t.settle();
  return outcome(t);
}

/** Down `downAfterMs` after the orders were placed, for `forMs`: every due time in between is passed at once. */
async function withDowntime(knobs: Knobs, downAfterMs: number, forMs: number) {
  const t = await sagasWith(knobs);
  t.settle(t.clock.now() + downAfterMs);
  t.clock.advance(forMs);
  t.settle();
  return outcome(t);
}

const cases: { name: string; knobs: Knobs }[] = [
  { name: "the reservation expires before the charge", knobs: { reservationTtlMs: 2_000 } },
  { name: "the reservation expires after the charge", knobs: { reservationTtlMs: 30_000 } },
  { name: "the expiry and the charge fall due together", knobs: { reservationTtlMs: 5_000 } },
  { name: "the deadline passes before the charge", knobs: { orderTimeoutMs: 6_000 } },
  { name: "the expiry, then the deadline, then the charge", knobs: { reservationTtlMs: 1_000, orderTimeoutMs: 6_000 } },
  { name: "the deadline, then the expiry, both before the charge", knobs: { reservationTtlMs: 4_000, orderTimeoutMs: 5_000 } },
  { name: "no expiry, a slow charge", knobs: { paymentDelayMs: 60_000 } },
];

describe("downtime past several due times ends every saga as it would have ended with the server up", () => {
  for (const { name, knobs } of cases) {
    // Down once the stock is reserved (3 s), so the charge, the expiry and the deadline are all scheduled.
    for (const forMs of [10_000, 120_000, 3_600_000]) {
      test(`${name}: down 3.5 s after the orders for ${forMs / 1000} s`, async () => {
        const expected = await withoutDowntime(knobs, 3_500);
        expect(expected.consistency).toEqual({ consistent: true, violations: [] });
        expect(await withDowntime(knobs, 3_500, forMs)).toEqual(expected);
      });
    }
  }

  test("the reported saga: expired while down, its payment ends FAILED and is never refunded", async () => {
    const after = await withDowntime({ reservationTtlMs: 2_000 }, 3_500, 5_000);
    expect(after.perOrder.map((o) => [o.status, o.cancellationSource, o.payment])).toEqual([
      ["CANCELLED", "timeout", "FAILED"],
      ["CANCELLED", "timeout", "FAILED"],
      ["CANCELLED", "timeout", "FAILED"],
    ]);
    expect(after.perOrder.flatMap((o) => o.events).filter((type) => type === "PAYMENT_REFUNDED")).toEqual([]);
  });
});

describe("a payment is refunded once, whichever reasons to refund it meet", () => {
  test("charged, expired, refunded, then confirmed too late (delivered by hand): one PAYMENT_REFUNDED, one refund in the inbox", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { reservationTtlMs: 2_000, stepMode: true } });
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true } })).body
      .id;
    t.relay.runDue();
    for (const reaction of [
      "inventory.reserveStockWhenOrderCreated",
      "payments.openPaymentWhenStockReserved",
      "payments.chargeWhenStockReserved", // PAYMENT_SUCCESS, its confirmation held
      "inventory.releaseReservationWhenExpired", // INVENTORY_RELEASED: the stock is back before the confirmation
      "payments.refundWhenStockReleased", // the first refund
      "inventory.confirmReservationWhenPaid", // too late: INVENTORY_FAILED at the confirm stage, a second reason to refund
      "payments.refundWhenStockNotDelivered",
    ]) {
      const held = (await t.request("GET", "/bus/deliveries")).body as { id: number; reaction: string }[];
      await t.request("POST", `/bus/deliveries/${held.find((d) => d.reaction === reaction)?.id}/deliver`);
    }
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    const events = ((await t.request("GET", `/orders/${id}/events`)).body as { type: string }[]).map((e) => e.type);
    expect(events.filter((type) => type === "PAYMENT_REFUNDED")).toEqual(["PAYMENT_REFUNDED"]);
    const inbox = ((await t.request("GET", "/notifications")).body as { kind: string }[]).map((m) => m.kind);
    expect(inbox.filter((kind) => kind === "refunded")).toEqual(["refunded"]);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
