import { describe, expect, test } from "bun:test";
import type { SagaEvent } from "../../src/modules/events";
import {
  onOrderCancelled,
  onRefundRequested,
  onStockNotDelivered,
  onStockReleased,
  onStockReservedCharge,
  onStockReservedOpen,
  onStockRestocked,
  outlivesItsOrder,
  type PaymentDecisionContext,
  type PaymentOutcome,
  type PaymentState,
} from "../../src/modules/payments/payments.decide";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const reserved = (paymentBehaviour: "success" | "failure" | "random") =>
  sagaEvent("INVENTORY_RESERVED", {
    reservationId: "res-1",
    items: [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }],
    totalCents: 12495,
    paymentBehaviour,
    paymentBehaviourGiven: true,
    skipDemoDelays: true,
    expiresAt: null,
  });
const open: PaymentState = { id: "txn_1", status: "PENDING", amountCents: 12495 };
const paid: PaymentState = { ...open, status: "SUCCESS" };
const refunded = (paymentId: string | null, amountCents: number, reason: string, cause: string | null = null): PaymentOutcome => ({
  type: "emit",
  event: { type: "PAYMENT_REFUNDED", data: { paymentId, amountCents, reason, cause: cause as never } },
});

/** The card network answers with `draw`; a new payment is `txn_new`; the saga is over when `over`. */
const withContext =
  <E>(decide: (event: E, payment: PaymentState, context: PaymentDecisionContext) => unknown[], draw = 0.9, over = false) =>
  (event: E, payment: PaymentState) =>
    decide(event, payment, { random: () => draw, failureRate: 0, newPaymentId: () => "txn_new", sagaIsOver: () => over });

describe("payments: stock reserved, opening", () => {
  const spec = decisionSpec(withContext(onStockReservedOpen));
  test("the payment shows as PENDING for the amount inventory priced", () => {
    spec
      .given(undefined)
      .when(reserved("success"))
      .then([{ type: "open", paymentId: "txn_new", amountCents: 12495 }]);
  });
  test("one payment per order", () => {
    spec
      .given(open)
      .when(reserved("success"))
      .then([{ type: "ignore", reason: "the order's payment is already open" }]);
  });
});

describe("payments: stock reserved after the saga is over (a payments reset, then a held or retried delivery)", () => {
  const overSaga = "the saga is over: a payment opened now would never be settled";
  test("given no payment and an order COMPLETED or CANCELLED, when the opening runs, then no payment is opened", () => {
    decisionSpec(withContext(onStockReservedOpen, 0.9, true))
      .given(undefined)
      .when(reserved("success"))
      .then([{ type: "ignore", reason: overSaga }]);
  });
  test("given no payment and a saga that is over, when the charge runs, then nothing is opened or charged", () => {
    decisionSpec(withContext(onStockReservedCharge, 0.9, true))
      .given(undefined)
      .when(reserved("success"))
      .then([{ type: "ignore", reason: overSaga }]);
  });
  test("given a payment, whether the saga is over is never asked: no lookup while a saga runs normally", () => {
    const context: PaymentDecisionContext = {
      random: () => 0.9,
      failureRate: 0,
      newPaymentId: () => "txn_new",
      sagaIsOver: () => {
        throw new Error("asked");
      },
    };
    expect(onStockReservedOpen(reserved("success"), open, context)).toEqual([
      { type: "ignore", reason: "the order's payment is already open" },
    ]);
    expect(onStockReservedCharge(reserved("success"), open, context).map((o) => o.type)).toEqual(["move", "emit"]);
  });
});

describe("payments: stock reserved, charging after the delay", () => {
  test("success charges 124.95", () => {
    decisionSpec(withContext(onStockReservedCharge))
      .given(open)
      .when(reserved("success"))
      .then([
        { type: "move", paymentId: "txn_1", from: "PENDING", to: "SUCCESS", failureReason: null },
        { type: "emit", event: { type: "PAYMENT_SUCCESS", data: { paymentId: "txn_1", amount: 124.95, amountCents: 12495 } } },
      ]);
  });
  test("failure declines with a reason", () => {
    const reason = "card_declined (paymentBehaviour: failure)";
    decisionSpec(withContext(onStockReservedCharge))
      .given(open)
      .when(reserved("failure"))
      .then([
        { type: "move", paymentId: "txn_1", from: "PENDING", to: "FAILED", failureReason: reason },
        { type: "emit", event: { type: "PAYMENT_FAILED", data: { paymentId: "txn_1", reason } } },
      ]);
  });
  test("random draws from the injected source: below one half declines", () => {
    decisionSpec(withContext(onStockReservedCharge, 0.1))
      .given(open)
      .when(reserved("random"))
      .then([
        { type: "move", paymentId: "txn_1", from: "PENDING", to: "FAILED", failureReason: "card_declined (paymentBehaviour: random)" },
        {
          type: "emit",
          event: { type: "PAYMENT_FAILED", data: { paymentId: "txn_1", reason: "card_declined (paymentBehaviour: random)" } },
        },
      ]);
  });
  test("a payment a reset removed is opened again before it is charged", () => {
    decisionSpec(withContext(onStockReservedCharge))
      .given(undefined)
      .when(reserved("success"))
      .then([
        { type: "open", paymentId: "txn_new", amountCents: 12495 },
        { type: "move", paymentId: "txn_new", from: "PENDING", to: "SUCCESS", failureReason: null },
        { type: "emit", event: { type: "PAYMENT_SUCCESS", data: { paymentId: "txn_new", amount: 124.95, amountCents: 12495 } } },
      ]);
  });
  test("a payment already decided is never charged again", () => {
    decisionSpec(withContext(onStockReservedCharge))
      .given(paid)
      .when(reserved("success"))
      .then([{ type: "ignore", reason: "the payment is already SUCCESS" }]);
  });
});

describe("payments: refunds", () => {
  const notDelivered = sagaEvent("INVENTORY_FAILED", {
    stage: "confirm",
    reason: "the reservation was no longer held (inventory reset)",
    items: [],
    cause: null,
  });

  test("paid but not delivered: the money goes back", () => {
    decisionSpec(onStockNotDelivered)
      .given(paid)
      .when(notDelivered)
      .then([
        { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: notDelivered.data.reason },
        refunded("txn_1", 12495, notDelivered.data.reason),
      ]);
  });
  test("with the payment reset away the order still hears of the refund", () => {
    decisionSpec(onStockNotDelivered)
      .given(undefined)
      .when(notDelivered)
      .then([refunded(null, 0, notDelivered.data.reason)]);
  });
  test("a payment refunded already is never refunded again, and no second refund is announced", () => {
    const released = sagaEvent("INVENTORY_RELEASED", { reservationId: "res-1", items: [], cause: "timeout", reason: "expired" });
    const restocked = sagaEvent("INVENTORY_RESTOCKED", { reservationId: "res-1", items: [], cause: "customer", reason: "cancelled" });
    const already: PaymentState = { ...paid, status: "REFUNDED" };
    const ignored: PaymentOutcome[] = [{ type: "ignore", reason: "the payment is already refunded" }];
    decisionSpec(onStockNotDelivered).given(already).when(notDelivered).then(ignored);
    decisionSpec(onStockReleased)
      .given(already)
      .when(released)
      .then([{ type: "ignore", reason: "no money was taken: nothing to refund" }]);
    decisionSpec(onStockRestocked).given(already).when(restocked).then(ignored);
  });
  test("a reservation that failed at the reserve stage took no money", () => {
    const short: SagaEvent<"INVENTORY_FAILED"> = sagaEvent("INVENTORY_FAILED", {
      stage: "reserve",
      reason: "short",
      items: [],
      cause: null,
    });
    decisionSpec(onStockNotDelivered)
      .given(undefined)
      .when(short)
      .then([{ type: "ignore", reason: "no payment is taken before stock is reserved: nothing to refund" }]);
  });
  test("stock handed back after the charge: refund; after a failed payment: nothing", () => {
    const released = sagaEvent("INVENTORY_RELEASED", {
      reservationId: "res-1",
      items: [],
      cause: "operator",
      reason: "Order cancelled: reset",
    });
    const spec = decisionSpec(onStockReleased);
    spec
      .given(paid)
      .when(released)
      .then([
        { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: "Order cancelled: reset" },
        refunded("txn_1", 12495, "Order cancelled: reset", "operator"),
      ]);
    spec
      .given({ ...open, status: "FAILED" })
      .when(released)
      .then([{ type: "ignore", reason: "no money was taken: nothing to refund" }]);
  });
});

describe("payments: stock put back on the shelf", () => {
  const restocked = sagaEvent("INVENTORY_RESTOCKED", {
    reservationId: "res-1",
    items: [],
    cause: "customer",
    reason: "Cancelled by the customer",
  });
  const spec = decisionSpec(onStockRestocked);
  test("a completed order's money goes back with its stock", () => {
    spec
      .given(paid)
      .when(restocked)
      .then([
        { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: "Cancelled by the customer" },
        refunded("txn_1", 12495, "Cancelled by the customer", "customer"),
      ]);
  });
  test("refunded already (the order's ORDER_CANCELLED got there first): the refund is not announced twice", () => {
    spec
      .given({ ...paid, status: "REFUNDED" })
      .when(restocked)
      .then([{ type: "ignore", reason: "the payment is already refunded" }]);
  });
});

describe("payments: order cancelled", () => {
  const cancelled = sagaEvent("ORDER_CANCELLED", {
    cancellationSource: "operator",
    reason: "Orders were reset while the saga was in flight",
  });
  test("a charge still waiting is voided", () => {
    decisionSpec(onOrderCancelled)
      .given(open)
      .when(cancelled)
      .then([
        {
          type: "move",
          paymentId: "txn_1",
          from: "PENDING",
          to: "FAILED",
          failureReason: "Order cancelled: Orders were reset while the saga was in flight",
        },
      ]);
  });
  test("a charge already taken is refunded: a cancelled order keeps no money, whatever happened to its stock", () => {
    const reason = "Order cancelled: Orders were reset while the saga was in flight";
    decisionSpec(onOrderCancelled)
      .given(paid)
      .when(cancelled)
      .then([
        { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: reason },
        refunded("txn_1", 12495, reason, "operator"),
      ]);
  });
  test("nothing held (refunded already, failed, or none): nothing to do", () => {
    for (const payment of [{ ...paid, status: "REFUNDED" as const }, { ...paid, status: "FAILED" as const }, undefined]) {
      decisionSpec(onOrderCancelled)
        .given(payment)
        .when(cancelled)
        .then([{ type: "ignore", reason: "no money is held: nothing to void or refund" }]);
    }
  });
});

describe("payments: what an orders reset leaves behind", () => {
  const neverAsked = () => {
    throw new Error("asked whether the saga was cancelled");
  };
  test("given a payment still PENDING, then it is kept: it holds money a saga must settle", () => {
    expect(outlivesItsOrder("PENDING", neverAsked)).toBe(true);
  });
  test("given a SUCCESS payment of a cancelled saga, then it is kept: the refund it owes is still due", () => {
    expect(outlivesItsOrder("SUCCESS", () => true)).toBe(true);
  });
  test("given a completed sale's SUCCESS, a failed charge or a refund, then it goes with its order", () => {
    expect(outlivesItsOrder("SUCCESS", () => false)).toBe(false);
    expect(outlivesItsOrder("FAILED", neverAsked)).toBe(false);
    expect(outlivesItsOrder("REFUNDED", neverAsked)).toBe(false);
  });
});

describe("payments: an orchestrator asks for a refund (REFUND_PAYMENT)", () => {
  const spec = decisionSpec(onRefundRequested);
  const command = sagaEvent("REFUND_PAYMENT", { to: "payments", cancellationSource: "customer", reason: "Cancelled by the customer" });

  test("given a taken payment, when the refund is asked, then it is refunded and said, as every refund", () => {
    spec
      .given(paid)
      .when(command)
      .then([
        { type: "move", paymentId: "txn_1", from: "SUCCESS", to: "REFUNDED", failureReason: "Cancelled by the customer" },
        refunded("txn_1", 12495, "Cancelled by the customer", "customer"),
      ]);
  });

  test("given no payment (a payments reset), when the refund is asked, then it is still answered: the orchestrator waits for it", () => {
    spec
      .given(undefined)
      .when(command)
      .then([refunded(null, 0, "Cancelled by the customer", "customer")]);
  });

  test("given a payment refunded already, when the refund is asked, then it is said again rather than leave the saga waiting", () => {
    spec
      .given({ ...paid, status: "REFUNDED" })
      .when(command)
      .then([refunded("txn_1", 12495, "Cancelled by the customer", "customer")]);
  });
});
