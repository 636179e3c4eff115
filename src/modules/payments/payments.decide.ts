import type { Random } from "../../platform/random";
import type { SagaEvent, SagaPayload } from "../events";
import type { Behaviour, ShipmentTerms, StockReturnCause } from "../saga-terms";
import { centsToAmount, decidePayment } from "./payment-rules";
import type { PaymentStatus } from "./payments.sql";

/**
 * What payments decides at each step of a saga: pure functions of the event and the order's
 * payment, unit-tested without a database (tests/unit). The reactions in payments.reactions.ts
 * load the payment, call these and write what they answer. One payment per order.
 */

/** The order's payment; undefined when it has none (not opened yet, or reset away). */
export type PaymentState = { id: string; status: PaymentStatus; amountCents: number } | undefined;

/** What a decision may draw on besides the event and the state: injected, so specs fix them. */
export interface PaymentDecisionContext {
  random: Random;
  /** The session's `paymentFailureRate`: applies only to an order that asked for no paymentBehaviour. */
  failureRate: number;
  /** A fresh payment id, asked for only when a payment is opened. */
  newPaymentId: () => string;
  /**
   * Whether the order's saga is over (its ORDER_COMPLETED or ORDER_CANCELLED is on the bus),
   * asked for only when the order has no payment: before one would be opened.
   */
  sagaIsOver: () => boolean;
}

export type PaymentOutcome =
  | { type: "ignore"; reason: string }
  | { type: "open"; paymentId: string; amountCents: number }
  | { type: "move"; paymentId: string; from: PaymentStatus; to: PaymentStatus; failureReason: string | null }
  | { type: "emit"; event: SagaPayload };

const ignore = (reason: string): PaymentOutcome[] => [{ type: "ignore", reason }];
const emit = (event: SagaPayload): PaymentOutcome => ({ type: "emit", event });

/**
 * No payment is opened for a saga that is over. A payment missing then was reset away (`POST
 * /payments/reset`) after the saga ended, and a delivery of INVENTORY_RESERVED held or retried
 * until after the end would open a payment nothing settles any more (a COMPLETED order with a
 * PENDING payment), or charge a customer whose order is already cancelled.
 */
const overSaga = "the saga is over: a payment opened now would never be settled";

/** What a charge reads of its trigger: INVENTORY_RESERVED in choreography, PROCESS_PAYMENT from an orchestrator. */
export type ChargeRequest = {
  data: { totalCents: number; paymentBehaviour: Behaviour; paymentBehaviourGiven: boolean; shipment?: ShipmentTerms | undefined };
};

/** The payment shows as PENDING as soon as stock is held, while the demo delay runs. */
export function onStockReservedOpen(
  event: ChargeRequest,
  payment: PaymentState,
  { newPaymentId, sagaIsOver }: PaymentDecisionContext,
): PaymentOutcome[] {
  if (payment) return ignore("the order's payment is already open");
  if (sagaIsOver()) return ignore(overSaga);
  return [{ type: "open", paymentId: newPaymentId(), amountCents: event.data.totalCents }];
}

/** After the payment demo delay: charges the amount inventory priced, opening the payment if a reset removed it while the saga ran. */
export function onStockReservedCharge(
  event: ChargeRequest,
  payment: PaymentState,
  { random, failureRate, newPaymentId, sagaIsOver }: PaymentDecisionContext,
): PaymentOutcome[] {
  if (payment && payment.status !== "PENDING") return ignore(`the payment is already ${payment.status}`);
  if (!payment && sagaIsOver()) return ignore(overSaga);
  const opened: PaymentOutcome[] = payment ? [] : [{ type: "open", paymentId: newPaymentId(), amountCents: event.data.totalCents }];
  const { paymentId, amountCents } = payment
    ? { paymentId: payment.id, amountCents: payment.amountCents }
    : (opened[0] as Extract<PaymentOutcome, { type: "open" }>);
  const asked = { behaviour: event.data.paymentBehaviour, given: event.data.paymentBehaviourGiven };
  const decision = decidePayment(asked, failureRate, random);
  if (decision.status === "SUCCESS") {
    return [
      ...opened,
      { type: "move", paymentId, from: "PENDING", to: "SUCCESS", failureReason: null },
      emit({
        type: "PAYMENT_SUCCESS",
        // An order with the shipment step is shipped next: what it asked of shipping goes on.
        data: {
          paymentId,
          amount: centsToAmount(amountCents),
          amountCents,
          ...(event.data.shipment ? { shipment: event.data.shipment } : {}),
        },
      }),
    ];
  }
  return [
    ...opened,
    { type: "move", paymentId, from: "PENDING", to: "FAILED", failureReason: decision.reason },
    emit({ type: "PAYMENT_FAILED", data: { paymentId, reason: decision.reason } }),
  ];
}

/**
 * Gives a taken payment back and says so, so the order can end. Also said when the payment is
 * already gone (a payments reset): the saga still needs its last step. A payment refunded
 * already was said to be once: two reasons to refund (the stock handed back, and the charge it
 * came too late for) meet in one saga when an expiry and a charge race, so the second changes
 * nothing and says nothing, or the customer would hear of the refund twice.
 */
function refund(payment: PaymentState, reason: string, cause: StockReturnCause | null): PaymentOutcome[] {
  if (payment?.status === "REFUNDED") return ignore("the payment is already refunded");
  const move: PaymentOutcome[] =
    payment?.status === "SUCCESS" ? [{ type: "move", paymentId: payment.id, from: "SUCCESS", to: "REFUNDED", failureReason: reason }] : [];
  return [
    ...move,
    emit({ type: "PAYMENT_REFUNDED", data: { paymentId: payment?.id ?? null, amountCents: payment?.amountCents ?? 0, reason, cause } }),
  ];
}

/** Paid, but inventory could no longer deliver the stock (its reservation was reset away): refund. */
export function onStockNotDelivered(event: SagaEvent<"INVENTORY_FAILED">, payment: PaymentState): PaymentOutcome[] {
  if (event.data.stage !== "confirm") return ignore("no payment is taken before stock is reserved: nothing to refund");
  return refund(payment, event.data.reason, event.data.cause);
}

/**
 * A cancelled order keeps no money, whatever happened to its stock. A charge still waiting is
 * voided. A charge already taken is refunded here too, and not only when inventory hands the
 * stock back: after an inventory reset there is no stock left to hand back, and an orders reset
 * drops the confirmation that would have refunded it (see tests/integration/regressions).
 * Usually the refund on the stock's return got there first, and this finds nothing to do.
 */
export function onOrderCancelled(event: SagaEvent<"ORDER_CANCELLED">, payment: PaymentState): PaymentOutcome[] {
  const reason = `Order cancelled: ${event.data.reason}`;
  if (payment?.status === "PENDING") return [{ type: "move", paymentId: payment.id, from: "PENDING", to: "FAILED", failureReason: reason }];
  if (payment?.status === "SUCCESS") {
    const { cancellationSource } = event.data;
    const cause = cancellationSource === "inventory_depleted" ? null : cancellationSource;
    return refund(payment, reason, cause);
  }
  return ignore("no money is held: nothing to void or refund");
}

/**
 * An orchestrator asks for the money back (REFUND_PAYMENT), compensating a payment step it saw
 * succeed: the rule of every refund, and always an answer, since the orchestrator waits for one
 * before it undoes the next step. A payment reset away is refunded as gone (as on a restock); a
 * refund already made is said again rather than leave the saga waiting; a charge still waiting
 * (only a reset can bring one back) is voided first.
 */
export function onRefundRequested(event: SagaEvent<"REFUND_PAYMENT">, payment: PaymentState): PaymentOutcome[] {
  const { cancellationSource, reason } = event.data;
  const cause = cancellationSource === "inventory_depleted" ? null : cancellationSource;
  if (payment?.status === "REFUNDED") {
    const { id: paymentId, amountCents } = payment;
    return [emit({ type: "PAYMENT_REFUNDED", data: { paymentId, amountCents, reason, cause } })];
  }
  const voided: PaymentOutcome[] =
    payment?.status === "PENDING" ? [{ type: "move", paymentId: payment.id, from: "PENDING", to: "FAILED", failureReason: reason }] : [];
  return [...voided, ...refund(payment, reason, cause)];
}

/**
 * Stock handed back while the money was taken (an order cancelled between payment and
 * confirmation) means the money goes back too. After a failed payment there is nothing to refund.
 */
export function onStockReleased(event: SagaEvent<"INVENTORY_RELEASED">, payment: PaymentState): PaymentOutcome[] {
  if (payment?.status !== "SUCCESS") return ignore("no money was taken: nothing to refund");
  return refund(payment, event.data.reason, event.data.cause);
}

/**
 * A completed order was cancelled and its stock put back on the shelf: its money goes back
 * too, and the refund is the order's last step (said even if the payment was reset away).
 */
export function onStockRestocked(event: SagaEvent<"INVENTORY_RESTOCKED">, payment: PaymentState): PaymentOutcome[] {
  // Refunded already (the order's ORDER_CANCELLED got here first): refund() says nothing twice.
  return refund(payment, event.data.reason, event.data.cause);
}

/**
 * Whether a payment of an order an orders reset removed, with nothing left ahead of it on the
 * bus, is kept. One still PENDING holds money a saga must settle. A SUCCESS payment of a saga
 * that was cancelled (its ORDER_CANCELLED is on the bus) owes the customer a refund that never
 * came: kept, so the consistency checker reports it. Every other one is settled history of an
 * order that no longer exists (a completed sale, a failed charge, a refund), dropped so that a
 * session's disk does not grow with every reset. `sagaWasCancelled` is asked only of a SUCCESS.
 */
export function outlivesItsOrder(status: PaymentStatus, sagaWasCancelled: () => boolean): boolean {
  if (status === "PENDING") return true;
  return status === "SUCCESS" && sagaWasCancelled();
}
