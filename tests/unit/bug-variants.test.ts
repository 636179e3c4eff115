import { describe, expect, test } from "bun:test";
import {
  announceAttemptWithoutOrderId,
  confirmIgnoringRelease,
  confirmTakingStockAgain,
  confirmWritingStockRead,
  correctInventoryRules,
  type InventoryStep,
  inventoryRulesFor,
  releaseIgnoringCancellationSource,
} from "../../src/modules/inventory/inventory.bugs";
import { confirmReservation, onOrderCancelled, onReservationAttempted } from "../../src/modules/inventory/inventory.decide";
import { chargeEvenIfCharged, correctPaymentRules, paymentRulesFor } from "../../src/modules/payments/payments.bugs";
import { onStockReservedCharge, type PaymentDecisionContext } from "../../src/modules/payments/payments.decide";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

/** Each bug variant beside its correct twin: given the same state, when the same event, then what each does. */

const twoMice = [{ product: "mouse", quantity: 2, priceCents: 1999 }];
const released = {
  id: "res-1",
  status: "RELEASED" as const,
  lines: twoMice,
  restocked: false,
  released: { reason: "Payment failed: declined", cause: "payment_failed" as const },
};
const pending = { id: "res-1", status: "PENDING" as const, lines: twoMice, restocked: false };
const confirmed = { id: "res-1", status: "CONFIRMED" as const, lines: twoMice, restocked: false };
const cancelled = sagaEvent("ORDER_CANCELLED", { cancellationSource: "payment_failed", reason: "declined" });
const confirmedEvent: InventoryStep = {
  type: "emit",
  event: { type: "INVENTORY_CONFIRMED", data: { reservationId: "res-1", items: twoMice, totalCents: 3998 } },
};

describe("ignoreCancellationSource: releaseIgnoringCancellationSource beside onOrderCancelled", () => {
  test("given stock already handed back (the payment failed), when the order is cancelled: the fix does nothing, the bug hands it back again", () => {
    decisionSpec(onOrderCancelled)
      .given(released)
      .when(cancelled)
      .then([{ type: "ignore", reason: "no stock is held for this order: nothing to release" }]);
    decisionSpec(releaseIgnoringCancellationSource)
      .given(released)
      .when(cancelled)
      .then([
        { type: "handBackAgain", lines: twoMice },
        {
          type: "emit",
          event: {
            type: "INVENTORY_RELEASED",
            data: { reservationId: "res-1", items: twoMice, cause: "payment_failed", reason: "Order cancelled: declined" },
          },
        },
      ]);
  });
  test("given stock still held, both hand it back once", () => {
    expect(releaseIgnoringCancellationSource(cancelled, pending)).toEqual(onOrderCancelled(cancelled, pending));
  });
});

describe("dropOrderIdOnFailure: announceAttemptWithoutOrderId beside onReservationAttempted", () => {
  const short = { reserved: false as const, short: [{ product: "laptop", requested: 99, available: 5, known: true }] };
  const forPayment = { paymentBehaviour: "success" as const, paymentBehaviourGiven: true, skipDemoDelays: true };
  test("a short reservation: the fix announces INVENTORY_FAILED for the order, the bug the same event without its order", () => {
    const [fixed] = onReservationAttempted(short, forPayment);
    if (fixed?.type !== "emit") throw new Error("the fix announces the failure");
    expect(fixed.event.type).toBe("INVENTORY_FAILED");
    expect(announceAttemptWithoutOrderId(short, forPayment)).toEqual([{ type: "emitWithoutOrderId", event: fixed.event }]);
  });
});

describe("the confirmation's variants beside confirmReservation", () => {
  test("nonIdempotentConsumers: given a confirmed reservation, the fix recognises it, the bug takes the stock again", () => {
    decisionSpec((_: unknown, state: typeof confirmed) => confirmReservation(state))
      .given(confirmed)
      .when(null)
      .then([{ type: "ignore", reason: "the reservation is already confirmed" }]);
    expect(confirmTakingStockAgain(confirmReservation)(confirmed)).toEqual([{ type: "takeAgain", lines: twoMice }, confirmedEvent]);
  });
  test("noSemanticLock: given stock a cancel handed back, the fix refuses the confirmation, the bug completes the sale", () => {
    expect(confirmReservation(released)[0]).toMatchObject({
      type: "emit",
      event: { type: "INVENTORY_FAILED", data: { stage: "confirm" } },
    });
    expect(confirmIgnoringRelease(confirmReservation)(released)).toEqual([
      { type: "confirmReleased", reservationId: "res-1", lines: twoMice },
      confirmedEvent,
    ]);
  });
  test("absoluteStockWrites: given held stock, the fix settles by a delta, the bug writes the stock it read", () => {
    expect(confirmReservation(pending)[0]).toEqual({ type: "settle", reservationId: "res-1", to: "CONFIRMED", lines: twoMice });
    expect(confirmWritingStockRead(confirmReservation)(pending)).toEqual([
      { type: "settleFromStockRead", reservationId: "res-1", lines: twoMice },
      confirmedEvent,
    ]);
  });
  test("each variant leaves the other cases to the correct rule", () => {
    for (const variant of [confirmTakingStockAgain, confirmIgnoringRelease]) {
      expect(variant(confirmReservation)(pending)).toEqual(confirmReservation(pending));
      expect(variant(confirmReservation)(undefined)).toEqual(confirmReservation(undefined));
    }
  });
});

describe("nonIdempotentConsumers: chargeEvenIfCharged beside onStockReservedCharge", () => {
  const context: PaymentDecisionContext = { random: () => 0, failureRate: 0, newPaymentId: () => "txn-2", sagaIsOver: () => false };
  const reserved = { data: { totalCents: 3998, paymentBehaviour: "success" as const, paymentBehaviourGiven: true } };
  const taken = { id: "txn-1", status: "SUCCESS" as const, amountCents: 3998 };
  test("given a payment already taken, the fix charges nothing, the bug charges the card again", () => {
    expect(onStockReservedCharge(reserved, taken, context)).toEqual([{ type: "ignore", reason: "the payment is already SUCCESS" }]);
    expect(chargeEvenIfCharged(reserved, taken, context)).toEqual([
      { type: "emit", event: { type: "PAYMENT_SUCCESS", data: { paymentId: "txn-1", amount: 39.98, amountCents: 3998 } } },
    ]);
  });
});

describe("the selectors", () => {
  test("a session with no switch gets the correct rules themselves", () => {
    expect(inventoryRulesFor([])).toBe(correctInventoryRules);
    expect(paymentRulesFor([])).toBe(correctPaymentRules);
    expect(paymentRulesFor(["noSemanticLock"])).toBe(correctPaymentRules);
  });
  test("a switch replaces only its own decision, and the same switches give the same rules", () => {
    const rules = inventoryRulesFor(["ignoreCancellationSource"]);
    expect(rules.orderCancelled).toBe(releaseIgnoringCancellationSource);
    expect(rules.confirm).toBe(correctInventoryRules.confirm);
    expect(inventoryRulesFor(["noSemanticLock", "absoluteStockWrites"])).toBe(inventoryRulesFor(["absoluteStockWrites", "noSemanticLock"]));
  });
});
