import type { SagaReactionContext } from "../events";
import type { OrderOutcome, OrderState } from "./orders.decide";
import { fromStoredOrder, type OrdersStatements } from "./orders.sql";

/** The order's own timeout on the bus (orders.cancelOrderWhenTimedOut): what the store drops once the order is final. */
export interface OrderTimeouts {
  /** Inside the open transaction: the order's timeout, scheduled, held or dead-lettered, will never run. */
  cancel(sessionId: string, orderId: string): void;
}

/**
 * The order book as orders' decisions see it: the state they decide on, and the writes their
 * outcomes ask for. Shared by the reactions and by the commands (a cancel asked through the
 * API is carried out exactly as a reaction's). An order that becomes final (completed or
 * cancelled, in every saga style) drops its timeout in the same write, so a saga that has
 * ended has nothing left on the bus.
 */
export function ordersStore(statements: OrdersStatements, timeouts: OrderTimeouts) {
  const stateOf = (sessionId: string, orderId: string): OrderState => {
    const row = statements.order.get({ sessionId, orderId });
    if (!row) return undefined;
    const { status, cancellationRequestedBy, cancellationSource, shippingBehaviour } = fromStoredOrder(row);
    return { status, cancellationRequestedBy, cancellationSource, shipmentStep: shippingBehaviour !== null };
  };

  /**
   * Writes one outcome of a decision. A refusal only matters to a caller who asked (the API);
   * to a reaction it is nothing to do.
   */
  function apply(
    sessionId: string,
    orderId: string,
    outcome: OrderOutcome,
    { now, emit }: Pick<SagaReactionContext, "now" | "emit">,
  ): undefined {
    const key = { sessionId, orderId };
    switch (outcome.type) {
      case "ignore":
      case "refuse":
        break;
      case "markProcessing":
        expectMoved(statements.moveToProcessing.get({ ...key, totalCents: outcome.totalCents, now }), orderId, "PROCESSING");
        break;
      case "complete":
        expectMoved(statements.moveToCompleted.get({ ...key, totalCents: outcome.totalCents, now }), orderId, "COMPLETED");
        timeouts.cancel(sessionId, orderId);
        break;
      case "cancel":
        expectMoved(statements.moveToCancelled.get({ ...key, ...outcome, now }), orderId, "CANCELLED");
        timeouts.cancel(sessionId, orderId);
        break;
      case "requestCancellation":
        expectMoved(statements.requestCancellation.get({ ...key, source: outcome.source, now }), orderId, "cancellation requested");
        break;
      case "emit":
        emit(outcome.event);
        break;
    }
  }

  /** Writes every outcome of a decision the API asked for (the reactions' shell applies theirs one by one). */
  function carryOut(sessionId: string, orderId: string, outcomes: OrderOutcome[], ctx: Pick<SagaReactionContext, "now" | "emit">) {
    for (const outcome of outcomes) apply(sessionId, orderId, outcome, ctx);
  }

  return { stateOf, apply, carryOut };
}
export type OrdersStore = ReturnType<typeof ordersStore>;

/** The decision was taken on the status just read, in the same savepoint: a move that does not apply means the books are broken. */
function expectMoved(moved: { id: string } | null, orderId: string, to: string): void {
  if (!moved) throw new Error(`Order ${orderId} could not move to ${to} from the status it was read in`);
}
