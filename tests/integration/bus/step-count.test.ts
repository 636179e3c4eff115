import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

/**
 * How many Steps a fresh session needs to bring one order to COMPLETED in step mode, with the
 * default knobs (demo delays on: a delivery with none, notifications', is due first). The
 * workshop script states these numbers; each Step is named, so a change says which one moved.
 */
async function stepsToCompleted(sagaStyle: string, order: Record<string, unknown> = {}) {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("PATCH", "/settings", { body: { stepMode: true, sagaStyle } });
  const placed = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }], ...order } });
  t.relay.runDue();
  const ran: string[] = [];
  while ((await t.request("GET", `/orders/${placed.body.id}`)).body.status !== "COMPLETED") {
    if (ran.length === 20) throw new Error(`not COMPLETED after 20 Steps: ${ran.join(", ")}`);
    const step = await t.request("POST", "/bus/step");
    expect(step.status).toBe(200);
    ran.push(`${step.body.delivery.eventType} → ${step.body.delivery.reaction}`);
  }
  const left = ((await t.request("GET", "/bus/deliveries")).body as { reaction: string }[]).map((d) => d.reaction);
  return Object.assign(ran, { left });
}

describe("Steps from a placed order to COMPLETED, in a fresh session with the default knobs", () => {
  test("choreography: 7 Steps, and an 8th empties the bus (the 'order confirmed' message)", async () => {
    const ran = await stepsToCompleted("choreography");
    expect(ran.left).toEqual(["notifications.notifyOnOrderCompleted"]);
    expect([...ran]).toEqual([
      "ORDER_CREATED → notifications.notifyOnOrderCreated",
      "ORDER_CREATED → inventory.reserveStockWhenOrderCreated",
      "INVENTORY_RESERVED → orders.markProcessingWhenStockReserved",
      "INVENTORY_RESERVED → payments.openPaymentWhenStockReserved",
      "INVENTORY_RESERVED → payments.chargeWhenStockReserved",
      "PAYMENT_SUCCESS → inventory.confirmReservationWhenPaid",
      "INVENTORY_CONFIRMED → orders.completeOrderWhenStockConfirmed",
    ]);
  });

  test("orchestration: 10 Steps (each command, then each answer to the orchestrator), and an 11th empties the bus", async () => {
    const ran = await stepsToCompleted("orchestration");
    expect(ran.left).toEqual(["notifications.notifyOnOrderCompleted"]);
    expect([...ran]).toEqual([
      "ORDER_CREATED → notifications.notifyOnOrderCreated",
      "ORDER_CREATED → orchestrator.startSagaWhenOrderCreated",
      "RESERVE_INVENTORY → inventory.reserveStockOnCommand",
      "INVENTORY_RESERVED → orchestrator.moveOnInventoryReserved",
      "PROCESS_PAYMENT → payments.openPaymentOnCommand",
      "PROCESS_PAYMENT → payments.chargeOnCommand",
      "PAYMENT_SUCCESS → orchestrator.moveOnPaymentSuccess",
      "CONFIRM_RESERVATION → inventory.confirmReservationOnCommand",
      "INVENTORY_CONFIRMED → orchestrator.moveOnInventoryConfirmed",
      "COMPLETE_ORDER → orders.completeOrderOnCommand",
    ]);
  });

  test("rpc: none, the calls run inside POST /orders; only notifications and the held reservation's expiry wait on the bus", async () => {
    // skipDemoDelays: the chain's delays are waits inside the request, on a timer this test does not run.
    const ran = await stepsToCompleted("rpc", { skipDemoDelays: true });
    expect([...ran]).toEqual([]);
    expect(ran.left).toEqual([
      "notifications.notifyOnOrderCreated",
      "notifications.notifyOnOrderCompleted",
      "inventory.releaseHeldReservationWhenExpired",
    ]);
  });
});
