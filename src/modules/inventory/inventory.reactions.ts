import { type SagaEvent, type SagaReactionContext, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { choreography, undoesChoreographyAndRpc } from "../saga-terms";
import { demoDelay } from "../session-settings";
import { inventoryBugWrites } from "./inventory.bug-writes";
import { type InventoryRules, type InventoryStep, inventoryRulesFor } from "./inventory.bugs";
import {
  confirmsOnPayment,
  onCancellationRequested,
  onHeldReservationExpired,
  onPaymentFailed,
  onPaymentSucceeded,
  onReleaseRequested,
  onReservationExpired,
  onShipmentCreated,
  onShipmentFailed,
  type ReservationState,
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
  /** The session's rules: the correct ones, or the bug variants it switched on (inventory.bugs.ts). */
  const rulesOf = (event: SagaEvent): InventoryRules => inventoryRulesFor(deps.settings.of(event.sessionId).bugs);
  const bugWrites = inventoryBugWrites(deps, store);

  /**
   * Writes one outcome. Reserving is the one step whose result only the database gives (one
   * conditional UPDATE per product): what to announce is decided from it, as a follow-up.
   */
  function apply(event: SagaEvent, outcome: InventoryStep, ctx: SagaReactionContext): InventoryStep[] | undefined {
    const { now, emit } = ctx;
    switch (outcome.type) {
      case "ignore":
        break;
      case "reserve": {
        // The session's reservationTtlMs when the stock is reserved decides when it expires.
        const expiresAt = reservationExpiresAt(now, deps.settings.of(event.sessionId).reservationTtlMs);
        const attempt = store.reserveStock(event.sessionId, event.orderId, outcome.lines, now, expiresAt);
        return rulesOf(event).reservationAttempted(attempt, outcome.forPayment);
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
      default:
        // Only a session that put a bug back is answered these.
        return bugWrites.apply(event, outcome, rulesOf(event), ctx);
    }
    return undefined;
  }

  const newReservationId = () => reservationIdOf(deps.ids.uuid());
  const reserve = (event: SagaEvent<"ORDER_CREATED" | "RESERVE_INVENTORY">, reservation: ReservationState) =>
    rulesOf(event).reserve(event, reservation, {
      random: deps.random,
      failureRate: deps.settings.of(event.sessionId).inventoryFailureRate,
    });
  const inventoryDelay = demoDelay(deps.settings, "inventoryDelayMs");

  return [
    // Choreography: inventory reacts to the other modules' events.
    sagaReaction({
      name: "inventory.reserveStockWhenOrderCreated",
      on: "ORDER_CREATED",
      styles: choreography,
      delayMs: inventoryDelay,
      load,
      decide: reserve,
      apply,
    }),
    // An order with the shipment step is confirmed when shipped instead: this delivery is not
    // wanted for it (no savepoint, nothing read), so an order without the step runs as before.
    sagaReaction({
      name: "inventory.confirmReservationWhenPaid",
      on: "PAYMENT_SUCCESS",
      styles: choreography,
      delayMs: (event) => (confirmsOnPayment(event) ? 0 : null),
      load,
      decide: (event, reservation) => onPaymentSucceeded(event, reservation, rulesOf(event).confirm),
      apply,
    }),
    // The shipment step: who listens to whom changes. Only orders with the step emit these.
    sagaReaction({
      name: "inventory.confirmReservationWhenShipped",
      on: "SHIPMENT_CREATED",
      styles: choreography,
      load,
      decide: (event, reservation) => onShipmentCreated(event, reservation, rulesOf(event).confirm),
      apply,
    }),
    sagaReaction({
      name: "inventory.releaseReservationWhenShipmentFailed",
      on: "SHIPMENT_FAILED",
      styles: choreography,
      load,
      decide: onShipmentFailed,
      apply,
    }),
    sagaReaction({
      name: "inventory.releaseReservationWhenPaymentFailed",
      on: "PAYMENT_FAILED",
      styles: choreography,
      load,
      decide: onPaymentFailed,
      apply,
    }),
    sagaReaction({
      name: "inventory.releaseReservationWhenOrderCancelled",
      on: "ORDER_CANCELLED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: (event, reservation) => rulesOf(event).orderCancelled(event, reservation),
      apply,
    }),
    sagaReaction({
      name: "inventory.returnStockWhenCancellationRequested",
      on: "ORDER_CANCELLATION_REQUESTED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: (event, reservation) => onCancellationRequested(event, reservation, { newReservationId }),
      apply,
    }),
    // Orchestration: the same rules, triggered by the orchestrator's commands to inventory.
    sagaReaction({
      name: "inventory.reserveStockOnCommand",
      on: "RESERVE_INVENTORY",
      delayMs: inventoryDelay,
      load,
      decide: reserve,
      apply,
    }),
    sagaReaction({
      name: "inventory.confirmReservationOnCommand",
      on: "CONFIRM_RESERVATION",
      load,
      decide: (event, reservation) => rulesOf(event).confirm(reservation),
      apply,
    }),
    sagaReaction({
      name: "inventory.returnStockOnCommand",
      on: "RELEASE_INVENTORY",
      load,
      decide: (event, reservation) => onReleaseRequested(event, reservation, { newReservationId }),
      apply,
    }),
    // Expiry is a due time in the relay's schedule, never a timer: the reservation says when. It
    // is inventory's own rule on its own event, so it runs in every style (an orchestrator hears
    // of the release and compensates the rest).
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
