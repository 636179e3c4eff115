import type { Reaction, ReactionContext } from "../../bus/bus";
import { orderEventsOfType } from "../../bus/event-log";
import type { Tx } from "../../platform/db";
import type { Deps } from "../../platform/deps";
import { centsToAmount, decidePayment } from "./payment-rules";
import { findPayment, movePayment, openPayment } from "./payments.service";
import type { PaymentRow } from "./payments.sql";

/**
 * Whether the charge was already decided. A payments reset drops the payment and the processed
 * records, but a duplicate INVENTORY_RESERVED after it must neither open nor charge again.
 */
const alreadyCharged = (tx: Tx, sessionId: string, orderId: string) =>
  orderEventsOfType(tx, sessionId, orderId, ["PAYMENT_SUCCESS", "PAYMENT_FAILED"]).length > 0;

/**
 * Gives a taken payment back and says so, so the order can end. Also said when the payment is
 * already gone (a payments reset): the saga still needs its last step.
 */
function refund({ tx, now, emit }: ReactionContext, payment: PaymentRow | undefined, reason: string): void {
  if (payment) movePayment(tx, payment, "SUCCESS", "REFUNDED", now, reason);
  emit({ type: "PAYMENT_REFUNDED", data: { paymentId: payment?.id ?? null, amountCents: payment?.amountCents ?? 0, reason } });
}

export function paymentReactions(deps: Deps) {
  /** The payment shows as PENDING as soon as stock is held, while the demo delay runs. */
  const openPaymentWhenStockReserved: Reaction<"INVENTORY_RESERVED"> = {
    name: "payments.openPaymentWhenStockReserved",
    on: "INVENTORY_RESERVED",
    handle: (event, { tx, now }) => {
      if (alreadyCharged(tx, event.sessionId, event.orderId)) return;
      openPayment(tx, deps, event.sessionId, event.orderId, event.data.totalCents, now);
    },
  };

  const chargeWhenStockReserved: Reaction<"INVENTORY_RESERVED"> = {
    name: "payments.chargeWhenStockReserved",
    on: "INVENTORY_RESERVED",
    delayMs: (event) => (event.data.skipDemoDelays ? 0 : deps.config.paymentDelayMs),
    handle: (event, { tx, now, emit }) => {
      if (alreadyCharged(tx, event.sessionId, event.orderId)) return;
      // Opened by the reaction above unless a payments reset came in between.
      const payment = openPayment(tx, deps, event.sessionId, event.orderId, event.data.totalCents, now);
      if (payment.status !== "PENDING") return;
      const decision = decidePayment(event.data.paymentBehaviour, deps.random);
      if (decision.status === "SUCCESS") {
        movePayment(tx, payment, "PENDING", "SUCCESS", now);
        emit({
          type: "PAYMENT_SUCCESS",
          data: { paymentId: payment.id, amount: centsToAmount(payment.amountCents), amountCents: payment.amountCents },
        });
      } else {
        movePayment(tx, payment, "PENDING", "FAILED", now, decision.reason);
        emit({ type: "PAYMENT_FAILED", data: { paymentId: payment.id, reason: decision.reason } });
      }
    },
  };

  const refundWhenStockNotDelivered: Reaction<"INVENTORY_FAILED"> = {
    name: "payments.refundWhenStockNotDelivered",
    on: "INVENTORY_FAILED",
    handle: (event, ctx) => {
      if (event.data.stage !== "confirm") return;
      if (orderEventsOfType(ctx.tx, event.sessionId, event.orderId, ["PAYMENT_REFUNDED"]).length > 0) return;
      refund(ctx, findPayment(ctx.tx, event.sessionId, event.orderId), event.data.reason);
    },
  };

  /**
   * A charge still waiting when its order is cancelled (an orders reset dropped the delivery
   * that would have made it) is voided. Other cancellations find no PENDING payment.
   */
  const voidPaymentWhenOrderCancelled: Reaction<"ORDER_CANCELLED"> = {
    name: "payments.voidPaymentWhenOrderCancelled",
    on: "ORDER_CANCELLED",
    handle: (event, { tx, now }) => {
      const payment = findPayment(tx, event.sessionId, event.orderId);
      if (payment?.status === "PENDING") movePayment(tx, payment, "PENDING", "FAILED", now, `Order cancelled: ${event.data.reason}`);
    },
  };

  /**
   * Stock handed back while the money was taken (an order cancelled between payment and
   * confirmation) means the money goes back too. After a failed payment there is nothing to refund.
   */
  const refundWhenStockReleased: Reaction<"INVENTORY_RELEASED"> = {
    name: "payments.refundWhenStockReleased",
    on: "INVENTORY_RELEASED",
    handle: (event, ctx) => {
      const payment = findPayment(ctx.tx, event.sessionId, event.orderId);
      if (payment?.status !== "SUCCESS") return;
      refund(ctx, payment, event.data.reason);
    },
  };

  return [
    openPaymentWhenStockReserved,
    chargeWhenStockReserved,
    refundWhenStockNotDelivered,
    voidPaymentWhenOrderCancelled,
    refundWhenStockReleased,
  ] as const;
}
