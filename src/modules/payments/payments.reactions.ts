import { type SagaEvent, type SagaReactionContext, sagaEndings, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { demoDelay } from "../session-settings";
import {
  onOrderCancelled,
  onStockNotDelivered,
  onStockReleased,
  onStockReservedCharge,
  onStockReservedOpen,
  onStockRestocked,
  type PaymentDecisionContext,
  type PaymentOutcome,
} from "./payments.decide";
import type { PaymentsService } from "./payments.service";

/**
 * Payments' reactions, each a pure decision (payments.decide.ts) on the order's payment. A
 * duplicate delivery never reaches them (the relay recognises it by its cursor and schedule),
 * so they hold no duplicate checks of their own.
 */
export function paymentReactions(deps: ModuleDeps, service: PaymentsService) {
  const newPaymentId = () => `txn_${deps.ids.uuid()}`;
  const load = (event: SagaEvent) => service.paymentState(event.sessionId, event.orderId);

  /** What opening or charging draws on. The failure rate is read when the charge runs, so a knob changed meanwhile applies. */
  const decisionContext = ({ sessionId, orderId }: SagaEvent): PaymentDecisionContext => ({
    random: deps.random,
    failureRate: deps.settings.of(sessionId).paymentFailureRate,
    newPaymentId,
    sagaIsOver: () => deps.bus.queries.orderHasEventOf(sessionId, orderId, sagaEndings),
  });

  function apply({ sessionId, orderId }: SagaEvent, outcome: PaymentOutcome, { now, emit }: SagaReactionContext): undefined {
    switch (outcome.type) {
      case "ignore":
        break;
      case "open":
        service.openPayment(sessionId, orderId, outcome.paymentId, outcome.amountCents, now);
        break;
      case "move":
        service.movePayment(sessionId, outcome.paymentId, outcome.from, outcome.to, outcome.failureReason, now);
        break;
      case "emit":
        emit(outcome.event);
        break;
    }
  }

  return [
    sagaReaction({
      name: "payments.openPaymentWhenStockReserved",
      on: "INVENTORY_RESERVED",
      load,
      decide: (event, payment) => onStockReservedOpen(event, payment, decisionContext(event)),
      apply,
    }),
    sagaReaction({
      name: "payments.chargeWhenStockReserved",
      on: "INVENTORY_RESERVED",
      delayMs: demoDelay(deps.settings, "paymentDelayMs"),
      load,
      decide: (event, payment) => onStockReservedCharge(event, payment, decisionContext(event)),
      apply,
    }),
    sagaReaction({ name: "payments.refundWhenStockNotDelivered", on: "INVENTORY_FAILED", load, decide: onStockNotDelivered, apply }),
    sagaReaction({ name: "payments.voidPaymentWhenOrderCancelled", on: "ORDER_CANCELLED", load, decide: onOrderCancelled, apply }),
    sagaReaction({ name: "payments.refundWhenStockReleased", on: "INVENTORY_RELEASED", load, decide: onStockReleased, apply }),
    sagaReaction({ name: "payments.refundWhenStockRestocked", on: "INVENTORY_RESTOCKED", load, decide: onStockRestocked, apply }),
  ];
}
