import type { SagaEvent, SagaEventType, SagaReaction } from "../events";
import {
  type OrderOutcome,
  type OrderState,
  onPaymentRefunded,
  onStockConfirmed,
  onStockReleased,
  onStockReserved,
  onStockUnavailable,
} from "./orders.decide";
import { type OrdersStatements, fromStoredOrder } from "./orders.sql";

/**
 * Orders' reactions: each loads the order's status, asks a pure decision (orders.decide.ts)
 * and writes what it answers. A duplicate delivery never reaches them (the relay recognises it by its cursor and schedule), so they hold no duplicate checks of their own.
 */
export function orderReactions(statements: OrdersStatements) {
  const stateOf = (event: SagaEvent): OrderState => {
    const row = statements.order.get({ sessionId: event.sessionId, orderId: event.orderId });
    return row ? { status: fromStoredOrder(row).status } : undefined;
  };

  /** A reaction whose decision needs only the order's status. */
  function react<T extends SagaEventType>(
    name: string,
    on: T,
    decide: (event: SagaEvent<T>, order: OrderState) => OrderOutcome[],
  ): SagaReaction<T> {
    return {
      name: `orders.${name}`,
      on,
      handle: (event, { now, emit }) => {
        const key = { sessionId: event.sessionId, orderId: event.orderId };
        for (const outcome of decide(event, stateOf(event))) {
          switch (outcome.type) {
            case "ignore":
              break;
            case "markProcessing":
              expectMoved(statements.moveToProcessing.get({ ...key, totalCents: outcome.totalCents, now }), event, "PROCESSING");
              break;
            case "complete":
              expectMoved(statements.moveToCompleted.get({ ...key, totalCents: outcome.totalCents, now }), event, "COMPLETED");
              break;
            case "cancel":
              expectMoved(statements.moveToCancelled.get({ ...key, ...outcome, now }), event, "CANCELLED");
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
    react("markProcessingWhenStockReserved", "INVENTORY_RESERVED", onStockReserved),
    react("completeOrderWhenStockConfirmed", "INVENTORY_CONFIRMED", onStockConfirmed),
    react("cancelOrderWhenStockUnavailable", "INVENTORY_FAILED", onStockUnavailable),
    react("cancelOrderWhenStockReleased", "INVENTORY_RELEASED", onStockReleased),
    react("cancelOrderWhenPaymentRefunded", "PAYMENT_REFUNDED", onPaymentRefunded),
  ];
}

/** The decision was taken on the status just read, in the same savepoint: a move that does not apply means the books are broken. */
function expectMoved(moved: { id: string } | null, event: SagaEvent, to: string): void {
  if (!moved) throw new Error(`Order ${event.orderId} could not move to ${to} from the status it was read in`);
}
