import { describe, expect, test } from "bun:test";
import { expectConsistent, messagesOf, orderOf, paymentOf, productOf } from "../../support/reads";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

/**
 * Found by the model test (seed 4242, shrunk to an orchestrated order, four deliveries, an
 * inventory and payments reset, one delivery): a compensating command that found nothing to
 * undo answered nothing, and the orchestrator waited for its answer forever. A compensating
 * command is now always answered.
 */
const orchestrated = { ...fiveMousePads, sagaStyle: "orchestration" };
async function placed(t: TestApp, body: object = orchestrated) {
  await t.request("POST", "/inventory/seed");
  return (await t.request("POST", "/orders", { body })).body;
}

describe("an orchestrated saga whose participants lose their rows", () => {
  test("inventory and payments reset after the charge: the refund and the release are still answered, the order CANCELLED", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    const order = await placed(t, { items: [{ product: "laptop", quantity: 1 }], sagaStyle: "orchestration" });
    t.settle(t.clock.now() + 7_999); // reserved at +3 s, the charge due at +8 s
    t.clock.set(Date.parse(order.createdAt) + 8_000);
    t.relay.runDue(1); // the charge alone: PAYMENT_SUCCESS, not yet heard by the orchestrator
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "SUCCESS" });
    await t.request("POST", "/inventory/reset");
    await t.request("POST", "/payments/reset");
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "operator" });
    expect((await messagesOf(t, order.id)).slice(5)).toEqual([
      "command:CONFIRM_RESERVATION",
      "event:INVENTORY_FAILED",
      "command:REFUND_PAYMENT",
      "event:PAYMENT_REFUNDED",
      "command:RELEASE_INVENTORY",
      "event:INVENTORY_RELEASED",
      "command:CANCEL_ORDER",
      "event:ORDER_CANCELLED",
    ]);
  });

  test("an expiry delivered before the orchestrator hears of the reservation: the saga still ends, refunded and released", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { stepMode: true, reservationTtlMs: 1_000 } });
    const order = await placed(t);
    t.relay.runDue();
    await deliverHeld(t, "orchestrator.startSagaWhenOrderCreated");
    await deliverHeld(t, "inventory.reserveStockOnCommand");
    await deliverHeld(t, "inventory.releaseReservationWhenExpired"); // before orchestrator.moveOnInventoryReserved
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect(await orderOf(t, order.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect(await paymentOf(t, order.id)).toMatchObject({ status: "REFUNDED" });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expectConsistent(t);
  });
});
