import { describe, expect, test } from "bun:test";
import { expectConsistent, messagesOf, orderOf, paymentOf, productOf, reactionsOf, shipmentOf, stepsOf } from "../../support/reads";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

/**
 * The shipment step in an orchestrated saga: the orchestrator's step list gains CREATE_SHIPMENT
 * (after the payment) and CANCEL_SHIPMENT (its compensation); shipping answers the commands with
 * the rules its choreography reactions use, and none of those reactions takes part.
 */
const orchestrated = { ...fiveMousePads, sagaStyle: "orchestration" };
const sagaOf = async (t: TestApp, sagaId: string) => (await t.request("GET", `/sagas/${sagaId}`)).body;

async function withShipmentStep(settings: Record<string, unknown> = {}) {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  expect((await t.request("PATCH", "/settings", { body: { shipmentStep: true, ...settings } })).status).toBe(200);
  return t;
}

describe("an orchestrated saga with the shipment step", () => {
  test("success: CREATE_SHIPMENT after the payment, CONFIRM_RESERVATION once shipped; the order COMPLETED", async () => {
    const t = await withShipmentStep();
    const { body: order } = await t.request("POST", "/orders", { body: orchestrated });
    expect(order).toMatchObject({ sagaStyle: "orchestration", shippingBehaviour: "success" });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "COMPLETED", totalCents: 12495 });
    expect(await messagesOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_RESERVED",
      "command:PROCESS_PAYMENT",
      "event:PAYMENT_SUCCESS",
      "command:CREATE_SHIPMENT",
      "event:SHIPMENT_CREATED",
      "command:CONFIRM_RESERVATION",
      "event:INVENTORY_CONFIRMED",
      "command:COMPLETE_ORDER",
      "event:ORDER_COMPLETED",
    ]);
    expect(await stepsOf(t, order.sagaId)).toEqual([
      "RESERVE_INVENTORY:done",
      "PROCESS_PAYMENT:done",
      "CREATE_SHIPMENT:done",
      "CONFIRM_RESERVATION:done",
    ]);
    expect(await shipmentOf(t, order.id)).toMatchObject({ status: "CREATED", reason: null });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 49, reserved: 0 });
    // One rule, two triggers: shipping answered the command; no choreography reaction took part.
    const reactions = await reactionsOf(t, order.id);
    expect(reactions).toContain("shipping.shipOrderOnCommand");
    expect(reactions).toContain("inventory.confirmReservationOnCommand");
    expect(reactions.filter((r) => r.endsWith("WhenPaid") || r.endsWith("WhenShipped"))).toEqual([]);
    expectConsistent(t);
    expect(t.relayFailures).toEqual([]);
  });

  test("the shipping delay applies to CREATE_SHIPMENT: the saga waits in its shipment step", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 2_000 });
    const { body: order } = await t.request("POST", "/orders", { body: { ...orchestrated, skipDemoDelays: false } });
    t.relay.runDue();
    expect(await sagaOf(t, order.sagaId)).toMatchObject({ currentStep: "CREATE_SHIPMENT" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 5 });
    t.clock.advance(2_000);
    t.relay.runDue();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "COMPLETED" });
  });

  test("shipment failure: SHIPMENT_FAILED, then REFUND_PAYMENT and RELEASE_INVENTORY in reverse; CANCELLED shipment_failed", async () => {
    const t = await withShipmentStep();
    const { body: order } = await t.request("POST", "/orders", { body: { ...orchestrated, shippingBehaviour: "failure" } });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "shipment_failed" });
    expect((await orderOf(t, order.id)).errorMessage).toStartWith("Shipment failed: ");
    expect(await messagesOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_RESERVED",
      "command:PROCESS_PAYMENT",
      "event:PAYMENT_SUCCESS",
      "command:CREATE_SHIPMENT",
      "event:SHIPMENT_FAILED",
      "command:REFUND_PAYMENT",
      "event:PAYMENT_REFUNDED",
      "command:RELEASE_INVENTORY",
      "event:INVENTORY_RELEASED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
    expect(await stepsOf(t, order.sagaId)).toEqual([
      "RESERVE_INVENTORY:compensated",
      "PROCESS_PAYMENT:compensated",
      "CREATE_SHIPMENT:failed",
      "CONFIRM_RESERVATION:skipped",
    ]);
    expect(await shipmentOf(t, order.id)).toMatchObject({ status: "FAILED" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(
      ((await t.request("GET", "/inventory/reservations")).body as { orderId: string; status: string; releaseReason: string }[]).find(
        (r) => r.orderId === order.id,
      ),
    ).toMatchObject({ status: "RELEASED" });
    expectConsistent(t);
  });

  test("the session's shippingFailureRate fails an orchestrated shipment that asked for no behaviour", async () => {
    const t = await withShipmentStep({ shippingFailureRate: 1 });
    const { body: order } = await t.request("POST", "/orders", { body: orchestrated });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "shipment_failed" });
    expectConsistent(t);
  });

  test("cancel of a shipped, completed order: CANCEL_SHIPMENT first, then the refund and the restock", async () => {
    const t = await withShipmentStep();
    const { body: order } = await t.request("POST", "/orders", { body: orchestrated });
    t.settle();
    expect((await orderOf(t, order.id)).status).toBe("COMPLETED");
    expect((await t.request("POST", `/orders/${order.id}/cancel`, { body: {} })).status).toBe(200);
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    const events = await messagesOf(t, order.id);
    expect(events.slice(events.indexOf("event:ORDER_COMPLETED") + 1)).toEqual([
      "event:ORDER_CANCELLATION_REQUESTED",
      "command:CANCEL_SHIPMENT",
      "event:SHIPMENT_CANCELLED",
      "command:REFUND_PAYMENT",
      "event:PAYMENT_REFUNDED",
      "command:RELEASE_INVENTORY",
      "event:INVENTORY_RESTOCKED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
    expect(await shipmentOf(t, order.id)).toMatchObject({ status: "CANCELLED" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    // The choreography reactions that call a parcel back took no part.
    expect((await reactionsOf(t, order.id)).filter((r) => r.startsWith("shipping.cancelShipmentWhen"))).toEqual([]);
    expectConsistent(t);
  });

  test("a cancel asked while the shipment is being made: the parcel is made, then called back, and everything undone", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 2_000 });
    const { body: order } = await t.request("POST", "/orders", { body: { ...orchestrated, skipDemoDelays: false } });
    t.relay.runDue();
    expect((await sagaOf(t, order.sagaId)).currentStep).toBe("CREATE_SHIPMENT");
    expect((await t.request("POST", `/orders/${order.id}/cancel`, { body: {} })).status).toBe(200);
    t.clock.advance(2_000);
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await shipmentOf(t, order.id)).toMatchObject({ status: "CANCELLED" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });

  test("an orchestrated order placed with the step off has the three steps and no shipment, whatever the setting says later", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const { body: order } = await t.request("POST", "/orders", { body: orchestrated });
    await t.request("PATCH", "/settings", { body: { shipmentStep: true, stepMode: false } });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "COMPLETED" });
    expect(await stepsOf(t, order.sagaId)).toEqual(["RESERVE_INVENTORY:done", "PROCESS_PAYMENT:done", "CONFIRM_RESERVATION:done"]);
    expect(await shipmentOf(t, order.id)).toBeUndefined();
  });
});
