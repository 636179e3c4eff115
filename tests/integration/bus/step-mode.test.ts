import { describe, expect, test } from "bun:test";
import { demoDelayRange } from "../../../src/platform/config";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp, fiveMousePads } from "../../support/test-app";

describe("GET / PATCH /settings", () => {
  test("a session starts with the server's demo delays and no step mode", async () => {
    const t = createTestApp();
    expect((await t.request("GET", "/settings")).body).toEqual({
      reservationTtlMs: null,
      orderTimeoutMs: 300_000,
      cartTtlMs: 1_800_000,
      inventoryDelayMs: 3_000,
      paymentDelayMs: 5_000,
      shippingDelayMs: 2_000,
      inventoryFailureRate: 0,
      paymentFailureRate: 0,
      shippingFailureRate: 0,
      duplicateDeliveryRate: 0,
      reactionFaultRate: 0,
      stepMode: false,
      predictNext: false,
      sagaStyle: "choreography",
      bugs: [],
      crashBetweenWritesRate: 0,
      shipmentStep: false,
    });
  });

  test("an unknown key or an out-of-range value is a 400 that changes nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    const unknown = await t.request("PATCH", "/settings", { body: { stepMode: true, warpSpeed: 9 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe("VALIDATION_FAILED");
    const tooLong = await t.request("PATCH", "/settings", { body: { paymentDelayMs: demoDelayRange.max + 1 } });
    expect(tooLong.body.details).toEqual([{ path: "paymentDelayMs", message: expect.any(String) }]);
    expect((await t.request("PATCH", "/settings", { body: { stepMode: "yes" } })).status).toBe(400);
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("GET", "/settings")).body.stepMode).toBe(false);
  });

  test("a demo delay changed takes effect on the next order, without a restart; other sessions keep theirs", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/inventory/seed", { session: "other" });
    expect((await t.request("PATCH", "/settings", { body: { inventoryDelayMs: 0, paymentDelayMs: 0 } })).body).toMatchObject({
      inventoryDelayMs: 0,
      paymentDelayMs: 0,
      stepMode: false,
    });
    const mine = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } })).body.id;
    const theirs = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] }, session: "other" })).body.id;
    t.relay.runDue(); // no time passes
    expect((await t.request("GET", `/orders/${mine}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", `/orders/${theirs}`, { session: "other" })).body.status).toBe("PENDING");
  });
});

describe("step mode", () => {
  test("holds only its own session's deliveries; Step runs them one by one to COMPLETED; none left is a 409", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/inventory/seed", { session: "other" });
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id;
    const theirs = (await t.request("POST", "/orders", { body: fiveMousePads, session: "other" })).body.id;
    t.settle(t.clock.now() + 60_000); // not as far as the held order's deadline
    expect((await t.request("GET", `/orders/${theirs}`, { session: "other" })).body.status).toBe("COMPLETED");
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("PENDING");

    const held = (await t.request("GET", "/bus/deliveries")).body;
    expect(held).toEqual([
      {
        id: expect.any(Number),
        eventSeq: expect.any(Number),
        eventType: "ORDER_CREATED",
        orderId: order,
        reaction: "inventory.reserveStockWhenOrderCreated",
        module: "inventory",
        dueAt: expect.any(String),
        attempts: 0,
        lastError: null,
        held: true,
      },
      expect.objectContaining({ eventType: "ORDER_CREATED", reaction: "notifications.notifyOnOrderCreated", held: true }),
      // The order's deadline (orderTimeoutMs) is a delivery too, due last.
      expect.objectContaining({ eventType: "ORDER_CREATED", reaction: "orders.cancelOrderWhenTimedOut", held: true }),
    ]);
    // The other session's saga ran to its end, and its deadline went with it: nothing is left.
    expect((await t.request("GET", "/bus/deliveries", { session: "other" })).body).toEqual([]);

    const stepped: string[] = [];
    for (let step = 0; step < 10; step += 1) {
      const res = await t.request("POST", "/bus/step");
      if (res.status === 409) break;
      expect(res.body.outcome).toBe("applied");
      stepped.push(`${res.body.delivery.eventType} → ${res.body.delivery.reaction}`);
      t.relay.runDue(); // hands what it emitted over: held again
    }
    expect(stepped).toEqual([
      "ORDER_CREATED → inventory.reserveStockWhenOrderCreated",
      "ORDER_CREATED → notifications.notifyOnOrderCreated",
      "INVENTORY_RESERVED → orders.markProcessingWhenStockReserved",
      "INVENTORY_RESERVED → payments.openPaymentWhenStockReserved",
      "INVENTORY_RESERVED → payments.chargeWhenStockReserved",
      "PAYMENT_SUCCESS → inventory.confirmReservationWhenPaid",
      "INVENTORY_CONFIRMED → orders.completeOrderWhenStockConfirmed",
      "ORDER_COMPLETED → notifications.notifyOnOrderCompleted",
      // The deadline, held all along, went when the order completed: Step never reaches it.
    ]);
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
    const none = await t.request("POST", "/bus/step");
    expect(none.status).toBe(409);
    expect(none.body.code).toBe("INVALID_STATE");
    // Past the deadline, nothing ran for it: no attempt of it, no event it caused.
    t.settle(t.clock.now() + 600_000);
    const attempts = (await t.request("GET", `/orders/${order}/deliveries`)).body as { reaction: string }[];
    expect(attempts.map((a) => a.reaction)).not.toContain("orders.cancelOrderWhenTimedOut");
    const events = (await t.request("GET", `/orders/${order}/events`)).body as { type: string }[];
    expect(events.map((e) => e.type).at(-1)).toBe("ORDER_COMPLETED");
    const timeline = await t.request("GET", `/dashboard/timeline?order=${order}`);
    expect(timeline.text).toContain('data-event-type="ORDER_COMPLETED"');
    expect(timeline.text).toContain('data-reaction="orders.completeOrderWhenStockConfirmed"');
    expect(timeline.text).not.toContain('data-reaction="orders.cancelOrderWhenTimedOut"');
  });

  test("a chosen delivery runs out of order; another session's delivery is a 404; step mode off releases the rest in due order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id;
    t.relay.runDue();
    await t.request("POST", "/bus/step");
    t.relay.runDue();
    // INVENTORY_RESERVED's three deliveries are held: charge before the payment is opened.
    const charge = (await t.request("GET", "/bus/deliveries")).body.find(
      (d: { reaction: string }) => d.reaction === "payments.chargeWhenStockReserved",
    );
    expect((await t.request("POST", `/bus/deliveries/${charge.id}/deliver`, { session: "other" })).status).toBe(404);
    const out = await t.request("POST", `/bus/deliveries/${charge.id}/deliver`);
    expect(out.body).toMatchObject({ outcome: "applied", delivery: { reaction: "payments.chargeWhenStockReserved", held: true } });
    expect((await t.request("GET", "/payments")).body.map((p: { status: string }) => p.status)).toEqual(["SUCCESS"]);

    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
    expect(t.relayFailures).toEqual([]);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
