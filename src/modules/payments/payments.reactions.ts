import type { SagaEvent, SagaEventType, SagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import {
  type PaymentDecisionContext,
  type PaymentOutcome,
  type PaymentState,
  onOrderCancelled,
  onStockNotDelivered,
  onStockReleased,
  onStockReservedCharge,
  onStockRestocked,
  onStockReservedOpen,
} from "./payments.decide";
import type { PaymentsService } from "./payments.service";

/**
 * Payments' reactions: each loads the order's payment, asks a pure decision
 * (payments.decide.ts) and writes what it answers. A duplicate delivery never reaches them (the
 * relay recognises it by its cursor and schedule), so they hold no duplicate checks of their own.
 */
export function paymentReactions(deps: ModuleDeps, service: PaymentsService) {
  const newPaymentId = () => `txn_${deps.ids.uuid()}`;

  function react<T extends SagaEventType>(
    name: string,
    on: T,
    decide: (event: SagaEvent<T>, payment: PaymentState, context: PaymentDecisionContext) => PaymentOutcome[],
    delayMs?: (event: SagaEvent<T>) => number,
  ): SagaReaction<T> {
    return {
      name: `payments.${name}`,
      on,
      delayMs,
      handle: (event, { now, emit }) => {
        const { sessionId, orderId } = event;
        // The failure rate is read when the charge runs, so a knob changed meanwhile applies.
        const context: PaymentDecisionContext = {
          random: deps.random,
          failureRate: deps.settings.of(sessionId).paymentFailureRate,
          newPaymentId,
          sagaIsOver: () => deps.bus.queries.orderHasEventOf(sessionId, orderId, ["ORDER_COMPLETED", "ORDER_CANCELLED"]),
        };
        for (const outcome of decide(event, service.paymentState(sessionId, orderId), context)) {
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
      },
    };
  }

  return [
    react("openPaymentWhenStockReserved", "INVENTORY_RESERVED", onStockReservedOpen),
    react("chargeWhenStockReserved", "INVENTORY_RESERVED", onStockReservedCharge, (event) =>
      event.data.skipDemoDelays ? 0 : deps.settings.of(event.sessionId).paymentDelayMs,
    ),
    react("refundWhenStockNotDelivered", "INVENTORY_FAILED", onStockNotDelivered),
    react("voidPaymentWhenOrderCancelled", "ORDER_CANCELLED", onOrderCancelled),
    react("refundWhenStockReleased", "INVENTORY_RELEASED", onStockReleased),
    react("refundWhenStockRestocked", "INVENTORY_RESTOCKED", onStockRestocked),
  ];
}
