import type { SagaEvent, SagaEventType, SagaReaction } from "../events";
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
import type { OrdersStore } from "./orders.store";

/**
 * Orders' reactions: each loads the order's status, asks a pure decision (orders.decide.ts)
 * and writes what it answers, through the store the commands share (orders.store.ts). A duplicate delivery never reaches them (the relay recognises it by its cursor and schedule), so they hold no duplicate checks of their own.
 */
export function orderReactions(deps: Pick<ModuleDeps, "settings">, store: OrdersStore) {
  const { stateOf, carryOut } = store;

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

  return [
    react("markProcessingWhenStockReserved", "INVENTORY_RESERVED", onStockReserved),
    react("completeOrderWhenStockConfirmed", "INVENTORY_CONFIRMED", onStockConfirmed),
    react("cancelOrderWhenStockUnavailable", "INVENTORY_FAILED", onStockUnavailable),
    react("cancelOrderWhenStockReleased", "INVENTORY_RELEASED", onStockReleased),
    react("cancelOrderWhenPaymentRefunded", "PAYMENT_REFUNDED", onPaymentRefunded),
    cancelOrderWhenTimedOut,
  ];
}
