import type { SagaEvent, SagaEventType, SagaReaction, SagaReactionContext } from "../events";
import type { ModuleDeps } from "../module-deps";
import {
  type InventoryOutcome,
  type ReservationState,
  onOrderCancelled,
  onOrderCreated,
  onPaymentFailed,
  onPaymentSucceeded,
  onReservationAttempted,
} from "./inventory.decide";
import type { InventoryService } from "./inventory.service";

/**
 * Inventory's reactions: each loads what its decision needs, asks a pure decision
 * (inventory.decide.ts) and carries out what it answers. A duplicate delivery never reaches
 * them (the relay recognises it by its cursor and schedule), so they hold no duplicate checks of their own.
 */
export function inventoryReactions(deps: ModuleDeps, service: InventoryService) {
  function carryOut(event: SagaEvent, outcomes: InventoryOutcome[], { now, emit }: SagaReactionContext): void {
    for (const outcome of outcomes) {
      switch (outcome.type) {
        case "ignore":
          break;
        case "reserve": {
          const attempt = service.reserveStock(event.sessionId, event.orderId, outcome.lines, now);
          carryOut(event, onReservationAttempted(attempt, outcome.forPayment), { now, emit });
          break;
        }
        case "settle":
          service.settleReservation(event.sessionId, outcome, now);
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
  ): SagaReaction<T> {
    return {
      name: `inventory.${name}`,
      on,
      handle: (event, ctx) => carryOut(event, decide(event, service.reservationState(event.sessionId, event.orderId)), ctx),
    };
  }

  const reserveStockWhenOrderCreated: SagaReaction<"ORDER_CREATED"> = {
    name: "inventory.reserveStockWhenOrderCreated",
    on: "ORDER_CREATED",
    delayMs: (event) => (event.data.skipDemoDelays ? 0 : deps.settings.of(event.sessionId).inventoryDelayMs),
    handle: (event, ctx) => {
      const failureRate = deps.settings.of(event.sessionId).inventoryFailureRate;
      carryOut(event, onOrderCreated(event, { random: deps.random, failureRate }), ctx);
    },
  };

  return [
    reserveStockWhenOrderCreated,
    onReservation("confirmReservationWhenPaid", "PAYMENT_SUCCESS", onPaymentSucceeded),
    onReservation("releaseReservationWhenPaymentFailed", "PAYMENT_FAILED", onPaymentFailed),
    onReservation("releaseReservationWhenOrderCancelled", "ORDER_CANCELLED", onOrderCancelled),
  ];
}
