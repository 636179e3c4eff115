import type { SagaEvent, SagaPayload } from "../events";
import type { Behaviour, CancellationSource, RequestedCancellation, ShipmentTerms } from "../saga-terms";
import type { OrderChange } from "./order-aggregate";
import { canTransition, isFinal, type OrderStatus } from "./order-status";

/**
 * What orders decides when the saga moves on: pure functions of the event and the order's
 * status, unit-tested without a database (tests/unit/orders.decide.test.ts). The reactions in
 * orders.reactions.ts load the status, call these and write what they answer.
 */

/** What orders needs to know of an order to decide; undefined: the order is gone (reset). */
export type OrderState =
  | {
      status: OrderStatus;
      cancellationRequestedBy: RequestedCancellation | null;
      cancellationSource?: CancellationSource | null;
      /** The order was placed with the shipment step: shipping takes part in undoing it. */
      shipmentStep?: boolean;
    }
  | undefined;

export type OrderOutcome =
  | { type: "ignore"; reason: string }
  /** A request the caller must be told is impossible (the API answers 409). */
  | { type: "refuse"; reason: string }
  /** A change to the order, appended to its stream and projected onto its row. */
  | { type: "record"; change: OrderChange }
  /** An event other modules must hear, appended to the bus's log (the outbox). */
  | { type: "emit"; event: SagaPayload };

const ignore = (reason: string): OrderOutcome[] => [{ type: "ignore", reason }];
export const record = (change: OrderChange): OrderOutcome => ({ type: "record", change });

/**
 * What an order asks of shipping, fixed when it is placed: nothing while the session's
 * `shipmentStep` is off (SWAP's flow), else its `shippingBehaviour`, or `success` with the
 * session's `shippingFailureRate` deciding when it named none.
 */
export function shipmentTermsOf(
  shipmentStep: boolean,
  { shippingBehaviour, skipDemoDelays }: { shippingBehaviour?: Behaviour; skipDemoDelays: boolean },
): ShipmentTerms | undefined {
  if (!shipmentStep) return undefined;
  return { behaviour: shippingBehaviour ?? "success", behaviourGiven: shippingBehaviour !== undefined, skipDemoDelays };
}

/** On the events that undo a saga: whether shipping takes part (only for an order with the step). */
const shipmentStepOf = (order: OrderState): { shipmentStep?: true } => (order?.shipmentStep ? { shipmentStep: true } : {});

export function blockedMove(order: OrderState, to: OrderStatus): OrderOutcome[] | null {
  if (!order) return ignore("the order no longer exists");
  if (!canTransition(order.status, to)) return ignore(`an order ${order.status} cannot become ${to}`);
  return null;
}

/** The order is cancelled (and says why) only once its stock is settled, so readers see final stock. */
export function cancel(order: OrderState, cancellationSource: CancellationSource, errorMessage: string): OrderOutcome[] {
  return (
    blockedMove(order, "CANCELLED") ?? [
      record({ type: "ORDER_CANCELLED", data: { cancellationSource, errorMessage } }),
      { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource, reason: errorMessage, ...shipmentStepOf(order) } } },
    ]
  );
}

/**
 * Stock reserved for an order that is already cancelled: the books inventory closed for it were
 * lost (an inventory reset between the cancel and the reservation attempt). The cancellation
 * is announced again, so inventory hands the new reservation back and payments voids or refunds
 * whatever it takes for it; the order itself stays as it is.
 */
export function onStockReserved(event: SagaEvent<"INVENTORY_RESERVED">, order: OrderState): OrderOutcome[] {
  if (order?.status === "CANCELLED") {
    const cancellationSource = order.cancellationSource ?? "operator";
    const reason = "Stock was reserved after the order was cancelled";
    return [{ type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource, reason, ...shipmentStepOf(order) } } }];
  }
  return blockedMove(order, "PROCESSING") ?? [record({ type: "ORDER_PROCESSING_STARTED", data: { totalCents: event.data.totalCents } })];
}

/** The order is complete: on INVENTORY_CONFIRMED in choreography, on COMPLETE_ORDER from an orchestrator. */
export function onStockConfirmed(event: { data: { totalCents: number } }, order: OrderState): OrderOutcome[] {
  const { totalCents } = event.data;
  return (
    blockedMove(order, "COMPLETED") ?? [
      record({ type: "ORDER_COMPLETED", data: { totalCents } }),
      { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents } } },
    ]
  );
}

export function onStockUnavailable(event: SagaEvent<"INVENTORY_FAILED">, order: OrderState): OrderOutcome[] {
  // A failed confirmation is settled by the refund that follows it, not here.
  if (event.data.stage !== "reserve") return ignore("a failed confirmation ends with its refund");
  return cancel(order, "inventory_depleted", `Inventory failed: ${event.data.reason}`);
}

export function onStockReleased(event: SagaEvent<"INVENTORY_RELEASED">, order: OrderState): OrderOutcome[] {
  return cancel(order, event.data.cause, event.data.reason);
}

/** An orchestrator has undone the saga's steps (CANCEL_ORDER): the same rule as the stock's return in choreography. */
export function onCancelOrderCommand(event: SagaEvent<"CANCEL_ORDER">, order: OrderState): OrderOutcome[] {
  return cancel(order, event.data.cancellationSource, event.data.reason);
}

/**
 * Money given back ends the order: the last step of cancelling a completed order (after its
 * stock was put back), or of a charge that came after the stock was gone. In the name of
 * whoever asked, else of whatever sent the stock back, else (a reset) of an operator.
 */
export function onPaymentRefunded(event: SagaEvent<"PAYMENT_REFUNDED">, order: OrderState): OrderOutcome[] {
  const source = order?.cancellationRequestedBy ?? event.data.cause ?? "operator";
  return cancel(order, source, `Payment refunded: ${event.data.reason}`);
}

/**
 * Someone asks for the saga to be undone (`POST /orders/:id/cancel`, an operator, the order's
 * timeout). Recorded once, then announced: inventory hands back or puts back the stock, and
 * the order is cancelled when it has. Cancelled already: refused. Asked already: nothing more.
 * A timeout does not cancel an order that completed in time.
 */
export function requestCancellation(order: OrderState, source: RequestedCancellation, reason: string): OrderOutcome[] {
  if (!order) return ignore("the order no longer exists");
  if (order.status === "CANCELLED") return [{ type: "refuse", reason: "The order is already cancelled" }];
  if (order.cancellationRequestedBy) return ignore(`cancellation was already requested (${order.cancellationRequestedBy})`);
  if (source === "timeout" && order.status === "COMPLETED") return ignore("the order completed in time");
  return [
    record({ type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: source } }),
    {
      type: "emit",
      event: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: source, reason, ...shipmentStepOf(order) } },
    },
  ];
}

/**
 * When the relay reaches ORDER_CREATED: how long after it the order's deadline is due, or null
 * (no deadline at all) for an order already final or gone. An rpc chain can end before the
 * relay reaches its first event; otherwise the deadline is dropped when the order becomes final.
 */
export function orderTimeoutDelay(order: OrderState, timeoutMs: number): number | null {
  if (!order || isFinal(order.status)) return null;
  return timeoutMs;
}

/** The order's deadline (`orderTimeoutMs` after it was placed) has come: an order not final by now is cancelled. */
export function onOrderTimedOut(
  _event: SagaEvent<"ORDER_CREATED">,
  order: OrderState,
  { timeoutMs }: { timeoutMs: number },
): OrderOutcome[] {
  if (order && isFinal(order.status)) return ignore(`the order is ${order.status}`);
  return requestCancellation(order, "timeout", `Order not final after ${timeoutMs} ms`);
}

/** What an orders reset knows of one saga whose history it is about to drop. */
export interface SagaAtReset {
  /** The order; undefined when an earlier reset removed it and only its compensation is left on the bus. */
  order: OrderState;
  /** Its log holds INVENTORY_RESERVED or ORDER_CANCELLED: stock was reserved for it, or money may have been taken. */
  mayHold: boolean;
  /** Work the reset would drop: an event the relay has not reached, or a delivery scheduled, held or dead-lettered. */
  pendingWork: boolean;
}

const cutShort = "Orders were reset while the saga was in flight";

/**
 * `POST /orders/reset` drops a saga's history and every delivery still ahead of it, so whatever
 * that work would have given back (held stock, a charge, a restock, a refund) must be asked for
 * again, after the history is gone, with an ORDER_CANCELLED (operator): inventory hands back or
 * puts back the stock, payments voids or refunds the money. Which sagas need it:
 * - a saga still running that may hold something (a saga still waiting for inventory holds nothing);
 * - a cancel the server accepted and has not finished (the order is not CANCELLED yet), whatever
 *   its progress: the customer was told it would be undone;
 * - a cancelled saga, or the remains of one an earlier reset cut short, with work still ahead
 *   (a refund scheduled, held or dead-lettered, the void of a charge still to come).
 * A completed sale no one asked to cancel keeps its stock sold and its money taken.
 */
export function onOrdersReset({ order, mayHold, pendingWork }: SagaAtReset): OrderOutcome[] {
  const compensate: OrderOutcome[] = [
    {
      type: "emit",
      event: { type: "ORDER_CANCELLED", data: { cancellationSource: "operator", reason: cutShort, ...shipmentStepOf(order) } },
    },
  ];
  if (order?.cancellationRequestedBy && order.status !== "CANCELLED") return compensate;
  if (order && !isFinal(order.status)) return mayHold ? compensate : ignore("nothing is reserved for it yet");
  if (order?.status === "COMPLETED") return ignore("a completed sale stays sold");
  return mayHold && pendingWork ? compensate : ignore("its compensation is done");
}

/** What a session keeps: its orders and their lines (the quota counts both). */
export interface SessionUsage {
  orders: number;
  lines: number;
}

/** The deployment's per-session quotas (MAX_ORDERS_PER_SESSION, MAX_ORDER_LINES_PER_SESSION). */
export interface OrderQuota {
  maxOrdersPerSession: number;
  maxOrderLinesPerSession: number;
}

export type PlaceOrderDecision = { type: "place"; usage: SessionUsage } | { type: "refuse"; reason: string };

/**
 * `POST /orders`: an order of `lines` lines is placed while the session stays within both
 * quotas (and the usage moves with it); past either it is refused (429, nothing written).
 */
export function decidePlaceOrder(used: SessionUsage, lines: number, quota: OrderQuota): PlaceOrderDecision {
  const { maxOrdersPerSession, maxOrderLinesPerSession } = quota;
  if (used.orders + 1 > maxOrdersPerSession) {
    return {
      type: "refuse",
      reason: `This session keeps ${used.orders} orders, its quota (${maxOrdersPerSession}); POST /orders/reset or DELETE /session first`,
    };
  }
  if (used.lines + lines > maxOrderLinesPerSession) {
    return {
      type: "refuse",
      reason: `This order's ${lines} lines would take the session past its quota of ${maxOrderLinesPerSession} order lines (it keeps ${used.lines}); POST /orders/reset or DELETE /session first`,
    };
  }
  return { type: "place", usage: { orders: used.orders + 1, lines: used.lines + lines } };
}

/** How long an Idempotency-Key answers its first order again. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** An Idempotency-Key the session used before: the body it came with and the order it made. */
export interface KnownKey {
  bodyHash: string;
  orderId: string;
  createdAt: number;
}

export type IdempotentOrderDecision = { type: "replay"; orderId: string } | { type: "refuse" } | { type: "place" };

/**
 * `POST /orders` with `Idempotency-Key`: within 24 h the same key and body answer the first
 * order again (`replay`; if that order was reset away, a new one is placed), the same key with
 * another body is refused (422). An older key, or a new one, places the order.
 */
export function decideIdempotentOrder(known: KnownKey | undefined | null, bodyHash: string, now: number): IdempotentOrderDecision {
  if (!known || known.createdAt <= now - IDEMPOTENCY_KEY_TTL_MS) return { type: "place" };
  if (known.bodyHash !== bodyHash) return { type: "refuse" };
  return { type: "replay", orderId: known.orderId };
}
