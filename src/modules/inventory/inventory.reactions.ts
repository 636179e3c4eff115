import type { SagaEvent, SagaEventType, SagaReaction, SagaReactionContext } from "../events";
import type { ModuleDeps } from "../module-deps";
import {
  type InventoryOutcome,
  type ReservationState,
  onCancellationRequested,
  onOrderCancelled,
  onOrderCreated,
  onPaymentFailed,
  onPaymentSucceeded,
  onReservationAttempted,
  onReservationExpired,
} from "./inventory.decide";
import type { InventoryStore } from "./inventory.store";
import { msUntilExpiry, reservationExpiresAt, reservationIdOf } from "./reservation-rules";

/**
 * Inventory's reactions: each loads what its decision needs, asks a pure decision
 * (inventory.decide.ts) and carries out what it answers. A duplicate delivery never reaches
 * them (the relay recognises it by its cursor and schedule), so they hold no duplicate checks of their own.
 */
export function inventoryReactions(deps: ModuleDeps, store: InventoryStore) {
  function carryOut(event: SagaEvent, outcomes: InventoryOutcome[], { now, emit }: SagaReactionContext): void {
    for (const outcome of outcomes) {
      switch (outcome.type) {
        case "ignore":
          break;
        case "reserve": {
          // The session's reservationTtlMs when the stock is reserved decides when it expires.
          const expiresAt = reservationExpiresAt(now, deps.settings.of(event.sessionId).reservationTtlMs);
          const attempt = store.reserveStock(event.sessionId, event.orderId, outcome.lines, now, expiresAt);
          carryOut(event, onReservationAttempted(attempt, outcome.forPayment), { now, emit });
          break;
        }
        case "settle":
          store.settleReservation(event.sessionId, outcome, now);
          break;
        case "restock":
          store.restockReservation(event.sessionId, outcome.reservationId, outcome.lines, now);
          break;
        case "closeUnreserved":
          store.closeUnreserved(event.sessionId, event.orderId, outcome, now);
          break;
        case "emit":
          emit(outcome.event);
          break;
      }
    }
  }

  /** A reaction that decides on the order's reservation. */
  function onReservation<T extends SagaEventType>(
    name: string,
    on: T,
    decide: (event: SagaEvent<T>, reservation: ReservationState) => InventoryOutcome[],
    delayMs?: (event: SagaEvent<T>) => number | null,
  ): SagaReaction<T> {
    return {
      name: `inventory.${name}`,
      on,
      delayMs,
      handle: (event, ctx) => carryOut(event, decide(event, store.reservationState(event.sessionId, event.orderId)), ctx),
    };
  }

  const reserveStockWhenOrderCreated = onReservation(
    "reserveStockWhenOrderCreated",
    "ORDER_CREATED",
    (event, reservation) => {
      const failureRate = deps.settings.of(event.sessionId).inventoryFailureRate;
      return onOrderCreated(event, reservation, { random: deps.random, failureRate });
    },
    (event) => (event.data.skipDemoDelays ? 0 : deps.settings.of(event.sessionId).inventoryDelayMs),
  );

  const newReservationId = () => reservationIdOf(deps.ids.uuid());

  return [
    reserveStockWhenOrderCreated,
    onReservation("confirmReservationWhenPaid", "PAYMENT_SUCCESS", onPaymentSucceeded),
    onReservation("releaseReservationWhenPaymentFailed", "PAYMENT_FAILED", onPaymentFailed),
    onReservation("releaseReservationWhenOrderCancelled", "ORDER_CANCELLED", onOrderCancelled),
    onReservation("returnStockWhenCancellationRequested", "ORDER_CANCELLATION_REQUESTED", (event, reservation) =>
      onCancellationRequested(event, reservation, { newReservationId }),
    ),
    // Expiry is a due time in the relay's schedule, never a timer: the reservation says when.
    onReservation("releaseReservationWhenExpired", "INVENTORY_RESERVED", onReservationExpired, ({ data, timestamp }) =>
      msUntilExpiry(data.expiresAt, timestamp),
    ),
  ];
}
