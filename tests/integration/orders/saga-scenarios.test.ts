import { describe, expect, test } from "bun:test";
import { ordersStatements } from "../../../src/modules/orders/orders.sql";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

const product = async (t: TestApp, id: string, session = "test-session") =>
  (await t.request("GET", "/inventory", { session })).body.find((p: { id: string }) => p.id === id);
const eventTypes = async (t: TestApp, orderId: string) =>
  (await t.request("GET", `/orders/${orderId}/events`)).body.map((e: { type: string }) => e.type);

describe("the success path", () => {
  test("5 Mouse Pads at 24.99: stock 54 → 49, payment 124.95, order COMPLETED", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");

    const placed = await t.request("POST", "/orders", { body: fiveMousePads });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ status: "PENDING", items: [{ product: "mouse-pad", quantity: 5 }], sessionId: "test-session" });
    t.settle();

    const order = (await t.request("GET", `/orders/${placed.body.id}`)).body;
    expect(order).toEqual({
      ...placed.body,
      status: "COMPLETED",
      totalCents: 12495,
      completedAt: order.completedAt,
    });
    expect(order.completedAt).toBeString();
    expect(await product(t, "mouse-pad")).toMatchObject({
      stock_level: 49,
      reserved: 0,
      available: 49,
      reservationStatus: "NO_RESERVATIONS",
    });

    const [payment] = (await t.request("GET", "/payments")).body;
    expect(payment).toMatchObject({
      order_id: order.id,
      amount: 124.95,
      amount_cents: 12495,
      status: "SUCCESS",
      failure_reason: null,
      session_id: "test-session",
    });
    expect(payment.id).toStartWith("txn_");
    expect(await eventTypes(t, order.id)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_SUCCESS",
      "INVENTORY_CONFIRMED",
      "ORDER_COMPLETED",
    ]);
  });

  test("the order is PROCESSING, priced, with stock held and a PENDING payment while payment is under way", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } });

    t.clock.advance(3_000);
    t.relay.runDue();
    expect((await t.request("GET", `/orders/${placed.id}`)).body).toMatchObject({ status: "PROCESSING", totalCents: 12495 });
    expect(await product(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 5, available: 49, reservationStatus: "RESERVING" });
    expect((await t.request("GET", "/payments")).body[0]).toMatchObject({ status: "PENDING", amount: 124.95 });
    expect((await t.request("GET", "/inventory/stats")).body.reservations).toEqual({
      pending_reservations: 1,
      confirmed_reservations: 0,
      released_reservations: 0,
      total_reservations: 1,
    });
  });
});

describe("the out-of-stock path", () => {
  test("more than is in stock: INVENTORY_FAILED lists every short line, order CANCELLED inventory_depleted, no payment", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", {
      body: {
        items: [
          { product: "laptop", quantity: 999 },
          { product: "mouse", quantity: 1 },
          { product: "monitor", quantity: 16 },
        ],
        skipDemoDelays: true,
      },
    });
    t.settle();

    const order = (await t.request("GET", `/orders/${placed.id}`)).body;
    expect(order).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "inventory_depleted",
      errorMessage: "Inventory failed: Insufficient stock: laptop (requested: 999, available: 5), monitor (requested: 16, available: 15)",
    });
    const events = (await t.request("GET", `/orders/${placed.id}/events`)).body;
    expect(events.map((e: { type: string }) => e.type)).toEqual(["ORDER_CREATED", "INVENTORY_FAILED", "ORDER_CANCELLED"]);
    expect(events[1].data.items).toEqual([
      { product: "laptop", requested: 999, available: 5 },
      { product: "monitor", requested: 16, available: 15 },
    ]);
    // All or nothing: the mouse line that would have fitted was not reserved either.
    expect(await product(t, "mouse")).toMatchObject({ stock_level: 67, reserved: 0 });
    expect((await t.request("GET", "/payments")).body).toEqual([]);
    expect((await t.request("GET", "/inventory/stats")).body.reservations.total_reservations).toBe(0);
  });

  test("an unknown product is not a validation error: the order is created and the saga cancels it", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const placed = await t.request("POST", "/orders", {
      body: { items: [{ product: "non-existent", quantity: 1 }], skipDemoDelays: true },
    });
    expect(placed.status).toBe(200);
    t.settle();
    const order = (await t.request("GET", `/orders/${placed.body.id}`)).body;
    expect(order).toMatchObject({ status: "CANCELLED", cancellationSource: "inventory_depleted" });
    expect(order.errorMessage).toContain("non-existent (unknown product, requested: 1)");
  });

  test("lines naming the same product are reserved together", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", {
      body: {
        items: [
          { product: "laptop", quantity: 3 },
          { product: "laptop", quantity: 3 },
        ],
        skipDemoDelays: true,
      },
    });
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}`)).body.errorMessage).toContain("laptop (requested: 6, available: 5)");
  });
});

describe("the payment-failure path", () => {
  test("PAYMENT_FAILED releases the stock, then the order is CANCELLED payment_failed", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", {
      body: { items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure", skipDemoDelays: true },
    });
    t.settle();

    const order = (await t.request("GET", `/orders/${placed.id}`)).body;
    expect(order).toMatchObject({ status: "CANCELLED", cancellationSource: "payment_failed", totalCents: 79998 });
    expect(order.errorMessage).toStartWith("Payment failed: card_declined");
    expect(await eventTypes(t, placed.id)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_FAILED",
      "INVENTORY_RELEASED",
      "ORDER_CANCELLED",
    ]);
    expect(await product(t, "monitor")).toMatchObject({ stock_level: 15, reserved: 0 });
    expect((await t.request("GET", "/payments")).body[0]).toMatchObject({ status: "FAILED", amount_cents: 79998 });
    expect((await t.request("GET", "/inventory/stats")).body.reservations).toMatchObject({
      released_reservations: 1,
      pending_reservations: 0,
    });
  });

  test("SWAP's failTransaction flag asks for a failing payment", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", {
      body: { items: [{ product: "laptop", quantity: 1 }], failTransaction: true, skipDemoDelays: true },
    });
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}`)).body.cancellationSource).toBe("payment_failed");
  });
});

describe("behaviours", () => {
  test("inventoryBehaviour failure cancels without reserving", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", {
      body: { items: [{ product: "mouse", quantity: 1 }], inventoryBehaviour: "failure", skipDemoDelays: true },
    });
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}`)).body).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "inventory_depleted",
    });
    expect(await product(t, "mouse")).toMatchObject({ stock_level: 67, reserved: 0 });
  });

  test("random fails exactly when the injected random source draws below one half", async () => {
    const draws = [0.7, 0.2];
    const t = createTestApp({ random: () => draws.shift() ?? 0.9 });
    await t.request("POST", "/inventory/seed");
    const body = { items: [{ product: "mouse", quantity: 1 }], paymentBehaviour: "random", skipDemoDelays: true };
    const first = (await t.request("POST", "/orders", { body })).body;
    t.settle();
    const second = (await t.request("POST", "/orders", { body })).body;
    t.settle();
    expect((await t.request("GET", `/orders/${first.id}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", `/orders/${second.id}`)).body.status).toBe("CANCELLED");
  });

  test("behaviours default to success, the SWAP productId spelling is accepted, unknown keys are ignored", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const placed = await t.request("POST", "/orders", {
      body: { items: [{ productId: "mouse", quantity: 2 }], skipDemoDelays: true, userId: "bench-user-1", colour: "blue" },
    });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({
      paymentBehaviour: "success",
      inventoryBehaviour: "success",
      userId: "bench-user-1",
      items: [{ product: "mouse", quantity: 2 }],
    });
    expect(placed.body).not.toHaveProperty("colour");
  });
});

describe("demo delays are due times in the relay's schedule", () => {
  test("inventory acts 3 s after the order and payment 5 s after the reservation, not before", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "keyboard", quantity: 1 }] } });
    const status = async () => (await t.request("GET", `/orders/${placed.id}`)).body.status;

    t.clock.advance(2_999);
    t.relay.runDue();
    expect(await status()).toBe("PENDING");
    t.clock.advance(1);
    t.relay.runDue();
    expect(await status()).toBe("PROCESSING");
    t.clock.advance(4_999);
    t.relay.runDue();
    expect(await status()).toBe("PROCESSING");
    t.clock.advance(1);
    t.relay.runDue();
    expect(await status()).toBe("COMPLETED");
  });

  test("skipDemoDelays runs the whole saga at once", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.relay.runDue();
    expect((await t.request("GET", `/orders/${placed.id}`)).body.status).toBe("COMPLETED");
  });
});

describe("reading orders", () => {
  test("GET /orders lists the session's orders newest first", async () => {
    const t = createTestApp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await t.request("POST", "/orders", { body: fiveMousePads })).body.id);
      t.clock.advance(10);
    }
    expect((await t.request("GET", "/orders")).body.map((o: { id: string }) => o.id)).toEqual(ids.reverse());
    expect((await t.request("GET", "/orders?limit=2")).body).toHaveLength(2);
  });

  test("?wait answers as soon as the saga ends", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    const listeners = t.deps.bus.listenerCount;
    const waiting = t.request("GET", `/orders/${placed.id}?wait=30000`);
    t.relay.runDue();
    expect((await waiting).body.status).toBe("COMPLETED");
    // Nothing is left behind: no bus listener, no waiter.
    expect(t.deps.bus.listenerCount).toBe(listeners);
    expect(t.deps.waiters.count).toBe(0);
  });

  test("?wait on a settled order answers at once", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}?wait=30000`)).body.status).toBe("COMPLETED");
  });

  test("?wait answers the current state when the time runs out", async () => {
    const t = createTestApp();
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    const listeners = t.deps.bus.listenerCount;
    expect((await t.request("GET", `/orders/${placed.id}?wait=20`)).body.status).toBe("PENDING");
    expect(t.deps.bus.listenerCount).toBe(listeners);
    expect(t.deps.waiters.count).toBe(0);
  });

  test("each event names its saga, order, session and cause", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const events = (await t.request("GET", `/orders/${placed.id}/events`)).body;
    for (const [i, event] of events.entries()) {
      expect(event).toMatchObject({ sagaId: placed.sagaId, orderId: placed.id, sessionId: "test-session" });
      expect(event.causationId).toBe(i === 0 ? null : events[i - 1].id);
      expect(Date.parse(event.timestamp)).not.toBeNaN();
    }
  });

  test("GET /events pages through the session's log, oldest first", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const all = (await t.request("GET", "/events")).body;
    expect(all).toHaveLength(5);
    const firstPage = (await t.request("GET", "/events?limit=2")).body;
    const rest = (await t.request("GET", `/events?after=${firstPage[1].seq}`)).body;
    expect([...firstPage, ...rest]).toEqual(all);
  });

  test("POST /orders/reset drops the session's orders and their events", async () => {
    const t = createTestApp();
    await t.request("POST", "/orders", { body: fiveMousePads });
    expect((await t.request("POST", "/orders/reset")).body).toEqual({ message: "Orders reset successfully" });
    expect((await t.request("GET", "/orders")).body).toEqual([]);
    expect((await t.request("GET", "/events")).body).toEqual([]);
    expect(t.relay.pendingCount()).toBe(0);
  });
});

test("a change decided on an old version of the order (a stale INVENTORY_RESERVED) cannot move its row back to PROCESSING", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
  t.settle();
  const { projectProcessingStarted } = ordersStatements(t.deps.db.$client);
  // Decided on version 1 (PENDING): the order is at version 3 (created, processing, completed).
  const stale = { sessionId: "test-session", orderId: placed.id, totalCents: 1, version: 2, now: t.clock.now() };
  expect(projectProcessingStarted.get(stale)).toBeNull();
  expect((await t.request("GET", `/orders/${placed.id}`)).body.status).toBe("COMPLETED");
});
