import type { SagaEvent, SagaPayload } from "../events";
import type { CancellationSource } from "../saga-terms";
import { type OrderStatus, canTransition } from "./order-status";

/**
 * What orders decides when the saga moves on: pure functions of the event and the order's
 * status, unit-tested without a database (tests/unit/orders.decide.test.ts). The reactions in
 * orders.reactions.ts load the status, call these and write what they answer.
 */

/** What orders needs to know of an order to decide; undefined: the order is gone (reset). */
export type OrderState = { status: OrderStatus } | undefined;

export type OrderOutcome =
  | { type: "ignore"; reason: string }
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

export function onStockReserved(event: SagaEvent<"INVENTORY_RESERVED">, order: OrderState): OrderOutcome[] {
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

export function onPaymentRefunded(event: SagaEvent<"PAYMENT_REFUNDED">, order: OrderState): OrderOutcome[] {
  return cancel(order, "operator", `Payment refunded: ${event.data.reason}`);
}
