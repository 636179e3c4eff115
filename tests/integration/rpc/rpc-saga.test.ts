import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../../src/platform/clock";
import { ManualTimer } from "../../../src/platform/timer";
import { createTestApp, type TestApp } from "../../support/test-app";

type LoggedEvent = { type: string; data: Record<string, unknown> & { method?: string } };

/** The order's log as a list of steps: event types, an RPC_CALL named by its method. */
async function stepsOf(t: TestApp, orderId: string): Promise<string[]> {
  const events = (await t.request("GET", `/orders/${orderId}/events`)).body as LoggedEvent[];
  return events.map((e) => (e.type === "RPC_CALL" ? `RPC_CALL ${e.data.method}` : e.type));
}

async function seeded(options: Parameters<typeof createTestApp>[0] = {}) {
  const t = createTestApp(options);
  await t.request("POST", "/inventory/seed");
  return t;
}

const rpcOrder = (body: Record<string, unknown>) => ({ sagaStyle: "rpc", skipDemoDelays: true, ...body });

/**
 * The chain runs on the server's promises between the timer's firings: this yields until it
 * waits on its next demo delay (a timer is set), without moving the clock.
 */
async function untilChainWaits(timer: ManualTimer) {
  while (timer.nextAt() === null) await Bun.sleep(1);
}

/**
 * An rpc order placed with demo delays on a manual timer, let through its check and its
 * reserve: the chain now waits out the payment's delay. `placing` is its pending POST.
 */
async function placedWaitingForPayment(quantity: number) {
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const t = await seeded({ clock, timer, config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
  const placing = t.request("POST", "/orders", { body: { sagaStyle: "rpc", items: [{ product: "mouse-pad", quantity }] } });
  for (const _ of [1, 2]) {
    await untilChainWaits(timer);
    timer.fireNext();
  }
  await untilChainWaits(timer);
  const [order] = (await t.request("GET", "/orders")).body;
  return { t, timer, placing, order };
}

describe("the rpc saga style: POST /orders calls inventory and payments, and answers at the end of the chain", () => {
  test("success: check, create, reserve, charge, commit; the answer is COMPLETED, each call on the order's log", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", { body: rpcOrder({ items: [{ product: "mouse-pad", quantity: 5 }] }) });
    expect(placed.status).toBe(200);
    expect(placed.body).toEqual(expect.objectContaining({ status: "COMPLETED", sagaStyle: "rpc", totalCents: 12495 }));
    expect(await stepsOf(t, placed.body.id)).toEqual([
      "RPC_CALL CheckInventoryAvailability",
      "ORDER_CREATED",
      "INVENTORY_HELD",
      "RPC_CALL ReserveInventory",
      "RPC_CALL Charge",
      "RPC_CALL CommitReservation",
      "ORDER_COMPLETED",
    ]);
    const events = (await t.request("GET", `/orders/${placed.body.id}/events`)).body as LoggedEvent[];
    const reserve = events.find((e) => e.data.method === "ReserveInventory");
    expect(reserve?.data).toEqual({
      service: "inventory.v1.InventoryService",
      method: "ReserveInventory",
      request: {
        items: [{ inventory_item_id: "mouse-pad", quantity: 5 }],
        reference_id: placed.body.id,
        reference_type: "ORDER",
        expiration_minutes: 30,
      },
      response: { reservation_id: expect.stringMatching(/^res_/), success: true, message: "Reserved", total_cents: "12495" },
      durationMs: 0,
    });
    const payments = (await t.request("GET", "/payments")).body;
    expect(payments).toEqual([expect.objectContaining({ order_id: placed.body.id, status: "SUCCESS", amount_cents: 12495 })]);
    const reservations = (await t.request("GET", "/inventory/reservations")).body;
    expect(reservations).toEqual([expect.objectContaining({ orderId: placed.body.id, status: "CONFIRMED" })]);
    t.settle();
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
    expect((await t.request("GET", `/orders/${placed.body.id}`)).body.status).toBe("COMPLETED");
  });

  test("out of stock: the check says so, the order is created and cancelled (inventory_depleted), nothing is reserved or charged", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", { body: rpcOrder({ items: [{ product: "laptop", quantity: 999 }] }) });
    expect(placed.body).toEqual(
      expect.objectContaining({
        status: "CANCELLED",
        cancellationSource: "inventory_depleted",
        errorMessage: expect.stringMatching(/^Inventory failed: Insufficient stock: laptop \(requested: 999, available: \d+\)$/),
      }),
    );
    expect(await stepsOf(t, placed.body.id)).toEqual(["RPC_CALL CheckInventoryAvailability", "ORDER_CREATED", "ORDER_CANCELLED"]);
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([]);
    expect((await t.request("GET", "/payments")).body).toEqual([]);
    t.settle();
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("payment failure: the reservation is cancelled by a call, the order cancelled (payment_failed), stock back", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", {
      body: rpcOrder({ items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure" }),
    });
    expect(placed.body).toEqual(expect.objectContaining({ status: "CANCELLED", cancellationSource: "payment_failed" }));
    expect(await stepsOf(t, placed.body.id)).toEqual([
      "RPC_CALL CheckInventoryAvailability",
      "ORDER_CREATED",
      "INVENTORY_HELD",
      "RPC_CALL ReserveInventory",
      "RPC_CALL Charge",
      "RPC_CALL CancelReservation",
      "ORDER_CANCELLED",
    ]);
    const monitor = (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "monitor");
    expect(monitor).toEqual(expect.objectContaining({ reserved: 0, stock_level: 15 }));
    expect((await t.request("GET", "/payments")).body).toEqual([expect.objectContaining({ status: "FAILED" })]);
    t.settle();
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("an inventoryBehaviour failure is inventory's: the reserve answers success: false", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", {
      body: rpcOrder({ items: [{ product: "mouse-pad", quantity: 1 }], inventoryBehaviour: "failure" }),
    });
    expect(placed.body).toEqual(
      expect.objectContaining({
        status: "CANCELLED",
        cancellationSource: "inventory_depleted",
        errorMessage: expect.stringContaining("Simulated inventory failure"),
      }),
    );
    t.settle();
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("the session's sagaStyle setting places rpc orders; the reservation's expiration comes from reservationTtlMs", async () => {
    const t = await seeded();
    await t.request("PATCH", "/settings", { body: { sagaStyle: "rpc", reservationTtlMs: 90_000 } });
    const placed = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true } });
    expect(placed.body).toEqual(expect.objectContaining({ status: "COMPLETED", sagaStyle: "rpc" }));
    const events = (await t.request("GET", `/orders/${placed.body.id}/events`)).body as LoggedEvent[];
    const reserve = events.find((e) => e.data.method === "ReserveInventory");
    expect(reserve?.data.request).toEqual(expect.objectContaining({ expiration_minutes: 2 }));
  });

  test("demo delays apply to each call, on the injected timer: the client waits for every service", async () => {
    const clock = new ManualClock();
    const timer = new ManualTimer(clock);
    const t = await seeded({ clock, timer, config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    let answered = false;
    const placing = t
      .request("POST", "/orders", { body: { sagaStyle: "rpc", items: [{ product: "mouse-pad", quantity: 1 }] } })
      .then((a) => {
        answered = true;
        return a;
      });
    const startedAt = clock.now();
    // check 3 s, reserve 3 s, charge 5 s, commit 3 s.
    for (const _ of [1, 2, 3, 4]) {
      await untilChainWaits(timer);
      expect(answered).toBe(false);
      timer.fireNext();
    }
    const placed = await placing;
    expect(placed.body.status).toBe("COMPLETED");
    expect(clock.now() - startedAt).toBe(14_000);
    const events = (await t.request("GET", `/orders/${placed.body.id}/events`)).body as LoggedEvent[];
    expect(events.filter((e) => e.type === "RPC_CALL").map((e) => [e.data.method, e.data.durationMs])).toEqual([
      ["CheckInventoryAvailability", 3_000],
      ["ReserveInventory", 3_000],
      ["Charge", 5_000],
      ["CommitReservation", 3_000],
    ]);
  });

  test("a customer's cancel while the chain waits: the chain stops, the stock goes back, nothing is charged", async () => {
    const { t, timer, placing, order } = await placedWaitingForPayment(2);
    expect(order.status).toBe("PROCESSING");
    expect((await t.request("POST", `/orders/${order.id}/cancel?wait=0`)).status).toBe(200);
    t.relay.runDue();
    timer.fireNext();
    const placed = await placing;
    t.settle();
    expect((await t.request("GET", `/orders/${placed.body.id}`)).body).toEqual(
      expect.objectContaining({ status: "CANCELLED", cancellationSource: "customer" }),
    );
    expect(await stepsOf(t, order.id)).not.toContain("RPC_CALL Charge");
    expect((await t.request("GET", "/payments")).body).toEqual([]);
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([
      expect.objectContaining({ status: "RELEASED", releaseCause: "customer" }),
    ]);
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("a completed rpc order cancelled: its stock is put back and its payment refunded, as in every style", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", { body: rpcOrder({ items: [{ product: "mouse-pad", quantity: 5 }] }) });
    expect((await t.request("POST", `/orders/${placed.body.id}/cancel?wait=0`)).status).toBe(200);
    t.settle();
    expect((await t.request("GET", `/orders/${placed.body.id}`)).body).toEqual(
      expect.objectContaining({ status: "CANCELLED", cancellationSource: "customer" }),
    );
    expect((await t.request("GET", "/payments")).body).toEqual([expect.objectContaining({ status: "REFUNDED" })]);
    const pad = (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "mouse-pad");
    expect(pad).toEqual(expect.objectContaining({ stock_level: 54, reserved: 0 }));
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });

  test("a chain that never came back (its caller died): the reservation is released by its expiration, the order times out", async () => {
    // The payment's demo delay never ends (nobody fires the timer): the chain waits for ever, as a dead caller would.
    const clock = new ManualClock();
    const t = await seeded({ clock, timer: new ManualTimer(clock), config: { inventoryDelayMs: 0, paymentDelayMs: 5_000 } });
    await t.request("PATCH", "/settings", { body: { reservationTtlMs: 60_000, orderTimeoutMs: 120_000 } });
    void t.request("POST", "/orders", { body: { sagaStyle: "rpc", items: [{ product: "mouse-pad", quantity: 1 }] } });
    let reservations: { id: string; orderId: string }[] = [];
    while (reservations.length === 0) {
      await Bun.sleep(1);
      reservations = (await t.request("GET", "/inventory/reservations")).body;
    }
    const [{ orderId }] = (await t.request("GET", "/orders")).body.map((o: { id: string }) => ({ orderId: o.id }));
    // Held for an order still in flight (its expiry and timeout are scheduled): not a violation.
    expect(t.checkConsistency({}).violations).toEqual([]);
    t.settle();
    expect((await t.request("GET", `/orders/${orderId}`)).body).toEqual(
      expect.objectContaining({ status: "CANCELLED", cancellationSource: "timeout" }),
    );
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([
      expect.objectContaining({ status: "RELEASED", releaseReason: "expired" }),
    ]);
    expect((await t.request("GET", "/payments")).body).toEqual([]);
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });
});

describe("GET /sagas/:id for an rpc saga: its steps read back from its calls", () => {
  const stepsIn = (saga: { steps: { name: string; status: string }[] }) => saga.steps.map((s) => `${s.name}:${s.status}`);

  test("while the chain waits for the charge, the payment step is running; at the end every step is done", async () => {
    const { t, timer, placing, order } = await placedWaitingForPayment(1);
    const running = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(running).toMatchObject({ style: "rpc", currentStep: "PROCESS_PAYMENT", status: "running" });
    expect(stepsIn(running)).toEqual(["RESERVE_INVENTORY:done", "PROCESS_PAYMENT:running", "CONFIRM_RESERVATION:pending"]);
    expect(running.steps[0].startedAt).toBeString();
    expect(running.steps[0].endedAt).toBeString();
    for (const _ of [1, 2]) {
      await untilChainWaits(timer);
      timer.fireNext();
    }
    expect((await placing).body.status).toBe("COMPLETED");
    const done = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(done).toMatchObject({ style: "rpc", currentStep: null, status: "completed" });
    expect(stepsIn(done)).toEqual(["RESERVE_INVENTORY:done", "PROCESS_PAYMENT:done", "CONFIRM_RESERVATION:done"]);
  });

  test("a completed rpc order cancelled: the stock and the payment steps are compensated on the bus", async () => {
    const t = await seeded();
    const placed = await t.request("POST", "/orders", { body: rpcOrder({ items: [{ product: "mouse-pad", quantity: 5 }] }) });
    await t.request("POST", `/orders/${placed.body.id}/cancel?wait=0`);
    t.settle();
    const saga = (await t.request("GET", `/sagas/${placed.body.sagaId}`)).body;
    expect(saga).toMatchObject({ style: "rpc", currentStep: null, status: "cancelled" });
    expect(stepsIn(saga)).toEqual(["RESERVE_INVENTORY:compensated", "PROCESS_PAYMENT:compensated", "CONFIRM_RESERVATION:done"]);
  });
});
