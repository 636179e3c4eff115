import type { SagaEvent, SagaEventType, SagaReaction, SagaReactionContext } from "../events";
import type { ModuleDeps } from "../module-deps";
import {
  type OrderOutcome,
  type OrderState,
  onOrderTimedOut,
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
export function orderReactions(deps: Pick<ModuleDeps, "settings">, statements: OrdersStatements) {
  const stateOf = (sessionId: string, orderId: string): OrderState => {
    const row = statements.order.get({ sessionId, orderId });
    if (!row) return undefined;
    const { status, cancellationRequestedBy, cancellationSource } = fromStoredOrder(row);
    return { status, cancellationRequestedBy, cancellationSource };
  };

  /**
   * Writes what a decision answered. A refusal only matters to a caller who asked (the API);
   * to a reaction it is nothing to do.
   */
  function carryOut(
    sessionId: string,
    orderId: string,
    outcomes: OrderOutcome[],
    { now, emit }: Pick<SagaReactionContext, "now" | "emit">,
  ) {
    const key = { sessionId, orderId };
    for (const outcome of outcomes) {
      switch (outcome.type) {
        case "ignore":
        case "refuse":
          break;
        case "markProcessing":
          expectMoved(statements.moveToProcessing.get({ ...key, totalCents: outcome.totalCents, now }), orderId, "PROCESSING");
          break;
        case "complete":
          expectMoved(statements.moveToCompleted.get({ ...key, totalCents: outcome.totalCents, now }), orderId, "COMPLETED");
          break;
        case "cancel":
          expectMoved(statements.moveToCancelled.get({ ...key, ...outcome, now }), orderId, "CANCELLED");
          break;
        case "requestCancellation":
          expectMoved(statements.requestCancellation.get({ ...key, source: outcome.source, now }), orderId, "cancellation requested");
          break;
        case "emit":
          emit(outcome.event);
          break;
      }
    }
  }

  /** A reaction whose decision needs only the order's status. */
  function react<T extends SagaEventType>(
    name: string,
    on: T,
    decide: (event: SagaEvent<T>, order: OrderState) => OrderOutcome[],
  ): SagaReaction<T> {
    return {
      name: `orders.${name}`,
      on,
      handle: (event, ctx) => carryOut(event.sessionId, event.orderId, decide(event, stateOf(event.sessionId, event.orderId)), ctx),
    };
  }

  /** The order's deadline, a due time in the relay's schedule (never a timer per order): read when the order is placed. */
  const cancelOrderWhenTimedOut: SagaReaction<"ORDER_CREATED"> = {
    name: "orders.cancelOrderWhenTimedOut",
    on: "ORDER_CREATED",
    delayMs: (event) => deps.settings.of(event.sessionId).orderTimeoutMs,
    handle: (event, ctx) => {
      const timeoutMs = deps.settings.of(event.sessionId).orderTimeoutMs;
      carryOut(event.sessionId, event.orderId, onOrderTimedOut(event, stateOf(event.sessionId, event.orderId), { timeoutMs }), ctx);
    },
  };

  return {
    stateOf,
    carryOut,
    reactions: [
      react("markProcessingWhenStockReserved", "INVENTORY_RESERVED", onStockReserved),
      react("completeOrderWhenStockConfirmed", "INVENTORY_CONFIRMED", onStockConfirmed),
      react("cancelOrderWhenStockUnavailable", "INVENTORY_FAILED", onStockUnavailable),
      react("cancelOrderWhenStockReleased", "INVENTORY_RELEASED", onStockReleased),
      react("cancelOrderWhenPaymentRefunded", "PAYMENT_REFUNDED", onPaymentRefunded),
      cancelOrderWhenTimedOut,
    ],
  };
}

/** The decision was taken on the status just read, in the same savepoint: a move that does not apply means the books are broken. */
function expectMoved(moved: { id: string } | null, orderId: string, to: string): void {
  if (!moved) throw new Error(`Order ${orderId} could not move to ${to} from the status it was read in`);
}
export type OrderDecisions = Pick<ReturnType<typeof orderReactions>, "stateOf" | "carryOut">;
