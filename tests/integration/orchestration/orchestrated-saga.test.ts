import { describe, expect, test } from "bun:test";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { expectConsistent, messagesOf, orderOf, paymentOf, productOf, reservationOf } from "../../support/reads";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

const orchestrated = { ...fiveMousePads, sagaStyle: "orchestration" };

async function placed(t: TestApp, body: object = orchestrated) {
  await t.request("POST", "/inventory/seed");
  const answer = await t.request("POST", "/orders", { body });
  expect(answer.status).toBe(200);
  return answer.body;
}

describe("an orchestrated saga", () => {
  test("success: one command at a time, each answered by its participant; the order COMPLETED", async () => {
    const t = createTestApp();
    const order = await placed(t);
    expect(order.sagaStyle).toBe("orchestration");
    t.settle();
    expect((await t.request("GET", `/orders/${order.id}`)).body).toMatchObject({ status: "COMPLETED", totalCents: 12495 });
    expect(await messagesOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_RESERVED",
      "command:PROCESS_PAYMENT",
      "event:PAYMENT_SUCCESS",
      "command:CONFIRM_RESERVATION",
      "event:INVENTORY_CONFIRMED",
      "command:COMPLETE_ORDER",
      "event:ORDER_COMPLETED",
    ]);
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 49, reserved: 0 });
    expect((await t.request("GET", "/payments")).body[0]).toMatchObject({ status: "SUCCESS", amount_cents: 12495 });
    expect(t.checkConsistency().violations).toEqual([]);
    expect(t.relayFailures).toEqual([]);
  });
});

describe("an orchestrated saga that fails", () => {
  test("out of stock: RESERVE_INVENTORY answered INVENTORY_FAILED, nothing to undo, CANCEL_ORDER (inventory_depleted)", async () => {
    const t = createTestApp();
    const order = await placed(t, { ...orchestrated, items: [{ product: "laptop", quantity: 999 }] });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "inventory_depleted" });
    expect((await orderOf(t, order.id)).errorMessage).toStartWith("Inventory failed: ");
    expect(await messagesOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_FAILED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
    expect(await paymentOf(t, order.id)).toBeUndefined();
    expectConsistent(t);
  });

  test("payment declined: PROCESS_PAYMENT answered PAYMENT_FAILED, the reservation released, CANCEL_ORDER (payment_failed)", async () => {
    const t = createTestApp();
    const order = await placed(t, { ...orchestrated, paymentBehaviour: "failure" });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "payment_failed" });
    expect(await messagesOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_RESERVED",
      "command:PROCESS_PAYMENT",
      "event:PAYMENT_FAILED",
      "command:RELEASE_INVENTORY",
      "event:INVENTORY_RELEASED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
    expect(await reservationOf(t, order.id)).toMatchObject({ status: "RELEASED" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "FAILED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });
});

describe("an orchestrated saga undone from outside", () => {
  test("a completed order cancelled: REFUND_PAYMENT, then RELEASE_INVENTORY puts the stock back, then CANCEL_ORDER (customer)", async () => {
    const t = createTestApp();
    const order = await placed(t);
    t.settle();
    await t.request("POST", `/orders/${order.id}/cancel?wait=0`);
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect((await messagesOf(t, order.id)).slice(9)).toEqual([
      "event:ORDER_CANCELLATION_REQUESTED",
      "command:REFUND_PAYMENT",
      "event:PAYMENT_REFUNDED",
      "command:RELEASE_INVENTORY",
      "event:INVENTORY_RESTOCKED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("cancelled while inventory reserves: the running step answers first, then its stock is handed back", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    const order = await placed(t, { items: [{ product: "mouse-pad", quantity: 5 }], sagaStyle: "orchestration" });
    t.relay.runDue();
    const asked = await t.request("POST", `/orders/${order.id}/cancel?wait=0`);
    expect(asked.status).toBe(200);
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await reservationOf(t, order.id)).toMatchObject({ status: "RELEASED" });
    expect(await paymentOf(t, order.id)).toBeUndefined();
    expectConsistent(t);
  });

  test("the order's timeout: the orchestrator compensates what was done once the running step answers", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("PATCH", "/settings", { body: { orderTimeoutMs: 4_000 } });
    const order = await placed(t, { items: [{ product: "mouse-pad", quantity: 5 }], sagaStyle: "orchestration" });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "timeout",
      errorMessage: "Order not final after 4000 ms",
    });
    // Charged at +8 s (the step the orchestrator had started), then refunded.
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("the reservation expires while the payment runs: the charge is refunded, the order CANCELLED (timeout, expired)", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("PATCH", "/settings", { body: { reservationTtlMs: 2_000 } });
    const order = await placed(t, { items: [{ product: "mouse-pad", quantity: 5 }], sagaStyle: "orchestration" });
    t.settle();
    expect(await reservationOf(t, order.id)).toMatchObject({ status: "RELEASED", releaseReason: "expired" });
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout", errorMessage: "expired" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });
});

describe("an orchestrated saga on an unreliable bus", () => {
  test("every command and reply delivered twice changes nothing: each is recognised as a duplicate", async () => {
    const t = createTestApp();
    const order = await placed(t);
    t.settle();
    const before = await messagesOf(t, order.id);
    const events = (await t.request("GET", `/orders/${order.id}/events`)).body as { seq: number }[];
    for (const { seq } of events) expect((await t.request("POST", `/events/${seq}/redeliver`)).status).toBe(200);
    t.settle();
    expect(await messagesOf(t, order.id)).toEqual(before);
    const log = (await t.request("GET", `/orders/${order.id}/deliveries`)).body as { reaction: string; outcome: string }[];
    expect(log.filter((e) => e.outcome === "duplicate_ignored").length).toBeGreaterThan(0);
    expectConsistent(t);
  });

  test("no participant reacts to another's event: only the orchestrator, the recipient of each command, notifications and the timers", async () => {
    const t = createTestApp();
    const order = await placed(t);
    t.settle();
    const log = (await t.request("GET", `/orders/${order.id}/deliveries`)).body as { reaction: string }[];
    const reactions = [...new Set(log.map((e) => e.reaction))].sort();
    expect(reactions).toEqual([
      "inventory.confirmReservationOnCommand",
      "inventory.reserveStockOnCommand",
      "notifications.notifyOnOrderCompleted",
      "notifications.notifyOnOrderCreated",
      "orchestrator.moveOnInventoryConfirmed",
      "orchestrator.moveOnInventoryReserved",
      "orchestrator.moveOnPaymentSuccess",
      "orchestrator.startSagaWhenOrderCreated",
      // The order's own deadline went when it completed: it never ran.
      "orders.completeOrderOnCommand",
      "payments.chargeOnCommand",
      "payments.openPaymentOnCommand",
    ]);
  });

  test("step mode holds every command and reply; delivered one by one, the saga completes", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = await placed(t);
    t.relay.runDue();
    for (const reaction of [
      "orchestrator.startSagaWhenOrderCreated",
      "inventory.reserveStockOnCommand",
      "orchestrator.moveOnInventoryReserved",
      "payments.openPaymentOnCommand",
      "payments.chargeOnCommand",
      "orchestrator.moveOnPaymentSuccess",
      "inventory.confirmReservationOnCommand",
      "orchestrator.moveOnInventoryConfirmed",
      "orders.completeOrderOnCommand",
    ]) {
      expect((await orderOf(t, order.id)).status).toBe("PENDING");
      await deliverHeld(t, reaction);
    }
    expect((await orderOf(t, order.id)).status).toBe("COMPLETED");
    expectConsistent(t);
  });

  test("a transient fault in a participant is retried; the saga completes", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0.3 } });
    const orders = [];
    for (let i = 0; i < 5; i += 1) orders.push(await placed(t, { ...orchestrated, items: [{ product: "mouse", quantity: 1 }] }));
    t.settle(t.clock.now() + 120_000);
    const log = (await t.request("GET", `/orders/${orders[0]?.id}/deliveries`)).body as { outcome: string }[];
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    // A delivery that failed five times is a dead letter: retried by hand, the saga goes on.
    for (const dead of (await t.request("GET", "/bus/dead-letters")).body as { id: number }[]) {
      await t.request("POST", `/bus/dead-letters/${dead.id}/retry`);
    }
    t.settle(t.clock.now() + 120_000);
    for (const order of orders) expect((await orderOf(t, order.id)).status).toBe("COMPLETED");
    expect(log.length).toBeGreaterThan(0);
    expect(t.relayFailures.some((line) => line.includes("failed on event"))).toBe(true);
    t.settle();
    expectConsistent(t);
  });
});

describe("GET /sagas/:id", () => {
  test("an orchestrated saga answers its log: style, current step, each step's status and times", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    const order = await placed(t, { items: [{ product: "mouse-pad", quantity: 5 }], sagaStyle: "orchestration" });
    t.relay.runDue(); // the orchestrator sends RESERVE_INVENTORY, due after the inventory delay
    t.clock.advance(3_000);
    t.relay.runDue();
    const running = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(running).toMatchObject({ style: "orchestration", currentStep: "PROCESS_PAYMENT", status: "running" });
    expect(running.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "RESERVE_INVENTORY:done",
      "PROCESS_PAYMENT:running",
      "CONFIRM_RESERVATION:pending",
    ]);
    expect(running.steps[0].startedAt).toBeString();
    expect(running.steps[0].endedAt).toBeString();
    expect(running.steps[2].startedAt).toBeUndefined();
    t.settle();
    const done = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(done).toMatchObject({ currentStep: null, status: "completed" });
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(["done", "done", "done"]);
  });

  test("a failed orchestrated saga shows the failed step, the compensated one and the skipped one", async () => {
    const t = createTestApp();
    const order = await placed(t, { ...orchestrated, paymentBehaviour: "failure" });
    t.settle();
    const saga = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(saga.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "RESERVE_INVENTORY:compensated",
      "PROCESS_PAYMENT:failed",
      "CONFIRM_RESERVATION:skipped",
    ]);
  });

  test("a choreographed saga answers the same steps, read back from its events", async () => {
    const t = createTestApp();
    const order = await placed(t, { ...fiveMousePads, paymentBehaviour: "failure" });
    t.settle();
    const saga = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(saga).toMatchObject({ style: "choreography", currentStep: null });
    expect(saga.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "RESERVE_INVENTORY:compensated",
      "PROCESS_PAYMENT:failed",
      "CONFIRM_RESERVATION:skipped",
    ]);
  });
});

describe("metrics by saga style", () => {
  test("the same order each way: sagas and messages are counted per style", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    for (const sagaStyle of ["choreography", "orchestration"])
      await t.request("POST", "/orders", { body: { ...fiveMousePads, sagaStyle } });
    t.settle();
    const samples = parsePrometheus(await (await t.app.request("/metrics")).text());
    for (const style of ["choreography", "orchestration"]) {
      expect(sampleValue(samples, "saga_started_total", { style })).toBe(1);
      expect(sampleValue(samples, "saga_finished_total", { style, outcome: "completed" })).toBe(1);
    }
    // Choreography: 5 events; orchestration: 5 events and 4 commands.
    expect(sampleValue(samples, "bus_events_total", { style: "choreography" })).toBe(5);
    expect(sampleValue(samples, "bus_events_total", { style: "orchestration" })).toBe(9);
  });
});

describe("an orchestrated saga delivered out of order", () => {
  test("a cancel delivered before the order's creation: nothing is ever asked of a participant, the order CANCELLED", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = await placed(t);
    t.relay.runDue();
    await t.request("POST", `/orders/${order.id}/cancel?wait=0`);
    t.relay.runDue();
    await deliverHeld(t, "orchestrator.moveOnOrderCancellationRequested");
    await deliverHeld(t, "orchestrator.startSagaWhenOrderCreated");
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await reservationOf(t, order.id)).toBeUndefined();
    expect(await paymentOf(t, order.id)).toBeUndefined();
    expect((await messagesOf(t, order.id)).filter((e: string) => e.startsWith("command:"))).toEqual(["command:CANCEL_ORDER"]);
    const saga = (await t.request("GET", `/sagas/${order.sagaId}`)).body;
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expectConsistent(t);
  });
});
