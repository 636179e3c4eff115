import type { SagaEvent, SagaPayload } from "../events";
import type { CancellationSource, RequestedCancellation } from "../saga-terms";
import { type OrderStatus, canTransition, isFinal } from "./order-status";

/**
 * What orders decides when the saga moves on: pure functions of the event and the order's
 * status, unit-tested without a database (tests/unit/orders.decide.test.ts). The reactions in
 * orders.reactions.ts load the status, call these and write what they answer.
 */

/** What orders needs to know of an order to decide; undefined: the order is gone (reset). */
export type OrderState =
  | { status: OrderStatus; cancellationRequestedBy: RequestedCancellation | null; cancellationSource?: CancellationSource | null }
  | undefined;

export type OrderOutcome =
  | { type: "ignore"; reason: string }
  /** A request the caller must be told is impossible (the API answers 409). */
  | { type: "refuse"; reason: string }
  | { type: "requestCancellation"; source: RequestedCancellation }
  | { type: "markProcessing"; totalCents: number }
  | { type: "complete"; totalCents: number }
  | { type: "cancel"; cancellationSource: CancellationSource; errorMessage: string }
  | { type: "emit"; event: SagaPayload };

const ignore = (reason: string): OrderOutcome[] => [{ type: "ignore", reason }];

function blockedMove(order: OrderState, to: OrderStatus): OrderOutcome[] | null {
  if (!order) return ignore("the order no longer exists");
  if (!canTransition(order.status, to)) return ignore(`an order ${order.status} cannot become ${to}`);
  return null;
}

/** The order is cancelled (and says why) only once its stock is settled, so readers see final stock. */
function cancel(order: OrderState, cancellationSource: CancellationSource, errorMessage: string): OrderOutcome[] {
  return (
    blockedMove(order, "CANCELLED") ?? [
      { type: "cancel", cancellationSource, errorMessage },
      { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource, reason: errorMessage } } },
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
    return [{ type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource, reason } } }];
  }
  return blockedMove(order, "PROCESSING") ?? [{ type: "markProcessing", totalCents: event.data.totalCents }];
}

export function onStockConfirmed(event: SagaEvent<"INVENTORY_CONFIRMED">, order: OrderState): OrderOutcome[] {
  const { totalCents } = event.data;
  return (
    blockedMove(order, "COMPLETED") ?? [
      { type: "complete", totalCents },
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
    { type: "requestCancellation", source },
    { type: "emit", event: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: source, reason } } },
  ];
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
