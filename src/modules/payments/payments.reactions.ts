import { type SagaEvent, type SagaReactionContext, sagaEndings, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { choreography, undoesChoreographyAndRpc } from "../saga-terms";
import { demoDelay } from "../session-settings";
import { paymentRulesFor } from "./payments.bugs";
import {
  onOrderCancelled,
  onRefundRequested,
  onStockNotDelivered,
  onStockReleased,
  onStockReservedOpen,
  onStockRestocked,
  type PaymentDecisionContext,
  type PaymentOutcome,
  type PaymentState,
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

  const open = (event: SagaEvent<"INVENTORY_RESERVED" | "PROCESS_PAYMENT">, payment: PaymentState) =>
    onStockReservedOpen(event, payment, decisionContext(event));
  // The session's charge: the correct one, or the bug variant it switched on (payments.bugs.ts).
  const charge = (event: SagaEvent<"INVENTORY_RESERVED" | "PROCESS_PAYMENT">, payment: PaymentState) =>
    paymentRulesFor(deps.settings.of(event.sessionId).bugs).charge(event, payment, decisionContext(event));
  const paymentDelay = demoDelay(deps.settings, "paymentDelayMs");
  const styles = choreography;

  return [
    // Choreography: payments reacts to inventory's and orders' events.
    sagaReaction({ name: "payments.openPaymentWhenStockReserved", on: "INVENTORY_RESERVED", styles, load, decide: open, apply }),
    sagaReaction({
      name: "payments.chargeWhenStockReserved",
      on: "INVENTORY_RESERVED",
      styles,
      delayMs: paymentDelay,
      load,
      decide: charge,
      apply,
    }),
    sagaReaction({
      name: "payments.refundWhenStockNotDelivered",
      on: "INVENTORY_FAILED",
      styles,
      load,
      decide: onStockNotDelivered,
      apply,
    }),
    sagaReaction({
      name: "payments.voidPaymentWhenOrderCancelled",
      on: "ORDER_CANCELLED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: onOrderCancelled,
      apply,
    }),
    sagaReaction({
      name: "payments.refundWhenStockReleased",
      on: "INVENTORY_RELEASED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: onStockReleased,
      apply,
    }),
    sagaReaction({
      name: "payments.refundWhenStockRestocked",
      on: "INVENTORY_RESTOCKED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: onStockRestocked,
      apply,
    }),
    // Orchestration: the same rules, triggered by the orchestrator's commands to payments.
    sagaReaction({ name: "payments.openPaymentOnCommand", on: "PROCESS_PAYMENT", load, decide: open, apply }),
    sagaReaction({ name: "payments.chargeOnCommand", on: "PROCESS_PAYMENT", delayMs: paymentDelay, load, decide: charge, apply }),
    sagaReaction({ name: "payments.refundOnCommand", on: "REFUND_PAYMENT", load, decide: onRefundRequested, apply }),
  ];
}
