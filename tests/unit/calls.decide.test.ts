import { describe, expect, test } from "bun:test";
import type { ReservationState } from "../../src/modules/inventory/inventory.decide";
import {
  decideCancelCall,
  decideCommitCall,
  decideReserveCall,
  onReserveCallAttempted,
} from "../../src/modules/inventory/inventory-calls.decide";
import { decideChargeCall, decideRefundCall } from "../../src/modules/payments/payments-calls.decide";

const lines = [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }];
const held: NonNullable<ReservationState> = { id: "res_1", status: "PENDING", lines, restocked: false };
const never = { random: () => 0.9, failureRate: 0 };
const call = {
  referenceId: "order-1",
  lines: [{ product: "mouse-pad", quantity: 5 }],
  asked: { behaviour: "success" as const, given: false },
};

describe("inventory, called: the reaction's rules, answered", () => {
  test("a reference with a reservation already is answered with it, unsuccessfully, and nothing is reserved twice", () => {
    expect(decideReserveCall(held, call, never)).toEqual([
      {
        type: "answer",
        answer: { reservationId: "res_1", success: false, message: "order-1 already has a reservation, PENDING", totalCents: 0 },
      },
    ]);
  });
  test("a new reference reserves its merged lines; an asked failure answers success: false", () => {
    expect(decideReserveCall(undefined, call, never)).toEqual([{ type: "reserve", lines: [{ product: "mouse-pad", quantity: 5 }] }]);
    expect(decideReserveCall(undefined, { ...call, asked: { behaviour: "failure", given: true } }, never)).toEqual([
      {
        type: "answer",
        answer: { reservationId: "", success: false, message: "Simulated inventory failure (inventoryBehaviour: failure)", totalCents: 0 },
      },
    ]);
  });
  test("the attempt's result: held with its total, or every short line in the message", () => {
    expect(onReserveCallAttempted({ reserved: true, reservationId: "res_2", items: lines, expiresAt: 1 })).toEqual([
      { type: "answer", answer: { reservationId: "res_2", success: true, message: "Reserved", totalCents: 12495 } },
    ]);
    expect(onReserveCallAttempted({ reserved: false, short: [{ product: "laptop", requested: 9, available: 5, known: true }] })).toEqual([
      {
        type: "answer",
        answer: { reservationId: "", success: false, message: "Insufficient stock: laptop (requested: 9, available: 5)", totalCents: 0 },
      },
    ]);
  });
  test("commit confirms a PENDING reservation, says so of a committed one, refuses a released one", () => {
    expect(decideCommitCall(held)).toEqual([
      { type: "settle", reservationId: "res_1", to: "CONFIRMED", lines },
      { type: "answer", answer: { reservationId: "res_1", success: true, message: "Committed", totalCents: 0 } },
    ]);
    expect(decideCommitCall({ ...held, status: "CONFIRMED" })[0]).toEqual({
      type: "answer",
      answer: { reservationId: "res_1", success: true, message: "Already committed", totalCents: 0 },
    });
    expect(decideCommitCall({ ...held, status: "RELEASED", released: { reason: "expired", cause: "timeout" } })[0]).toEqual({
      type: "answer",
      answer: { reservationId: "res_1", success: false, message: "The reservation was released (expired)", totalCents: 0 },
    });
  });
  test("cancel releases a PENDING reservation, says so of a released one, refuses a committed one", () => {
    expect(decideCancelCall(held)[0]).toEqual({
      type: "settle",
      reservationId: "res_1",
      to: "RELEASED",
      lines,
      reason: "cancelled by its caller (CancelReservation)",
      cause: "operator",
    });
    expect(decideCancelCall({ ...held, status: "CONFIRMED" })[0]).toEqual({
      type: "answer",
      answer: { reservationId: "res_1", success: false, message: "The reservation is already committed", totalCents: 0 },
    });
  });
});

describe("payments, called", () => {
  const context = { random: () => 0.9, failureRate: 0, newPaymentId: () => "txn_new" };
  test("the first charge opens the payment and charges it; a second answers the first", () => {
    expect(decideChargeCall(undefined, { amountCents: 100, asked: { behaviour: "success", given: true } }, context)).toEqual([
      { type: "open", paymentId: "txn_new", amountCents: 100 },
      { type: "move", paymentId: "txn_new", from: "PENDING", to: "SUCCESS", failureReason: null },
      { type: "answer", answer: { paymentId: "txn_new", success: true, status: "SUCCESS", message: "Charged" } },
    ]);
    expect(
      decideChargeCall(
        { id: "txn_1", status: "SUCCESS", amountCents: 100 },
        { amountCents: 100, asked: { behaviour: "failure", given: true } },
        context,
      ),
    ).toEqual([{ type: "answer", answer: { paymentId: "txn_1", success: true, status: "SUCCESS", message: "Already charged" } }]);
  });
  test("a refund gives a SUCCESS payment's money back once; a failed payment took nothing", () => {
    expect(decideRefundCall({ id: "txn_1", status: "SUCCESS", amountCents: 100 }, "why")).toEqual([
      { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: "why" },
      { type: "answer", answer: { paymentId: "txn_1", success: true, status: "REFUNDED", message: "Refunded" } },
    ]);
    expect(decideRefundCall({ id: "txn_1", status: "FAILED", amountCents: 100 }, "why")).toEqual([
      {
        type: "answer",
        answer: { paymentId: "txn_1", success: false, status: "FAILED", message: "Nothing was taken: the payment is FAILED" },
      },
    ]);
  });
});
