import { type SagaEvent, type SagaReactionContext, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { demoDelay } from "../session-settings";
import {
  type InventoryOutcome,
  onCancellationRequested,
  onHeldReservationExpired,
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
 * Inventory's reactions, each a pure decision (inventory.decide.ts) on the order's
 * reservation. A duplicate delivery never reaches them (the relay recognises it by its cursor
 * and schedule), so they hold no duplicate checks of their own.
 */
export function inventoryReactions(deps: ModuleDeps, store: InventoryStore) {
  const load = (event: SagaEvent) => store.reservationState(event.sessionId, event.orderId);

  /**
   * Writes one outcome. Reserving is the one step whose result only the database gives (one
   * conditional UPDATE per product): what to announce is decided from it, as a follow-up.
   */
  function apply(event: SagaEvent, outcome: InventoryOutcome, { now, emit }: SagaReactionContext): InventoryOutcome[] | undefined {
    switch (outcome.type) {
      case "ignore":
        break;
      case "reserve": {
        // The session's reservationTtlMs when the stock is reserved decides when it expires.
        const expiresAt = reservationExpiresAt(now, deps.settings.of(event.sessionId).reservationTtlMs);
        const attempt = store.reserveStock(event.sessionId, event.orderId, outcome.lines, now, expiresAt);
        return onReservationAttempted(attempt, outcome.forPayment);
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
    return undefined;
  }

  const newReservationId = () => reservationIdOf(deps.ids.uuid());
  const reserveDelay = demoDelay(deps.settings, "inventoryDelayMs");

  return [
    sagaReaction({
      name: "inventory.reserveStockWhenOrderCreated",
      on: "ORDER_CREATED",
      // An rpc-style order's stock is reserved by its own call (ReserveInventory), never by this
      // reaction: null schedules no delivery at all, so such an order costs inventory nothing here.
      delayMs: (event) => (event.data.sagaStyle === "rpc" ? null : reserveDelay(event)),
      load,
      decide: (event, reservation) =>
        onOrderCreated(event, reservation, { random: deps.random, failureRate: deps.settings.of(event.sessionId).inventoryFailureRate }),
      apply,
    }),
    sagaReaction({ name: "inventory.confirmReservationWhenPaid", on: "PAYMENT_SUCCESS", load, decide: onPaymentSucceeded, apply }),
    sagaReaction({ name: "inventory.releaseReservationWhenPaymentFailed", on: "PAYMENT_FAILED", load, decide: onPaymentFailed, apply }),
    sagaReaction({ name: "inventory.releaseReservationWhenOrderCancelled", on: "ORDER_CANCELLED", load, decide: onOrderCancelled, apply }),
    sagaReaction({
      name: "inventory.returnStockWhenCancellationRequested",
      on: "ORDER_CANCELLATION_REQUESTED",
      load,
      decide: (event, reservation) => onCancellationRequested(event, reservation, { newReservationId }),
      apply,
    }),
    // Expiry is a due time in the relay's schedule, never a timer: the reservation says when.
    sagaReaction({
      name: "inventory.releaseReservationWhenExpired",
      on: "INVENTORY_RESERVED",
      delayMs: ({ data, timestamp }) => msUntilExpiry(data.expiresAt, timestamp),
      load,
      decide: onReservationExpired,
      apply,
    }),
    // A reservation made by a call (ReserveInventory) expires by the same rule, for a caller that never came back.
    sagaReaction({
      name: "inventory.releaseHeldReservationWhenExpired",
      on: "INVENTORY_HELD",
      delayMs: ({ data, timestamp }) => msUntilExpiry(data.expiresAt, timestamp),
      load,
      decide: onHeldReservationExpired,
      apply,
    }),
  ];
}
