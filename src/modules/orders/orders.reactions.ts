import { type SagaEvent, type SagaReactionContext, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { choreography as styles, undoesChoreographyAndRpc } from "../saga-terms";
import {
  type OrderOutcome,
  onCancelOrderCommand,
  onOrderTimedOut,
  onPaymentRefunded,
  onStockConfirmed,
  onStockReleased,
  onStockReserved,
  onStockUnavailable,
  orderTimeoutDelay,
} from "./orders.decide";
import { atVersion, type LoadedOrder, type OrdersStore, type StoreOutcome } from "./orders.store";

/** The delivery that cancels an order still not final after the session's orderTimeoutMs. */
export const ORDER_TIMEOUT_REACTION = "orders.cancelOrderWhenTimedOut";

/**
 * Orders' reactions, each a pure decision (orders.decide.ts) on the order's status, written
 * through the store the commands share (orders.store.ts). A duplicate delivery never reaches
 * them (the relay recognises it by its cursor and schedule), so they hold no duplicate checks
 * of their own.
 */
export function orderReactions(deps: Pick<ModuleDeps, "settings">, store: OrdersStore) {
  const load = (event: SagaEvent): LoadedOrder => store.load(event.sessionId, event.orderId);
  const apply = (event: SagaEvent, outcome: StoreOutcome, ctx: SagaReactionContext) =>
    store.apply(event.sessionId, event.orderId, outcome, ctx);
  /** A decision on the order's state; what it records is appended after the version it was taken on. */
  const onOrder =
    <E>(decide: (event: E, order: LoadedOrder["order"]) => OrderOutcome[]) =>
    (event: E, { order, version }: LoadedOrder) =>
      atVersion(version, decide(event, order));
  const timeoutMs = (event: SagaEvent) => deps.settings.of(event.sessionId).orderTimeoutMs;

  return [
    // Choreography: orders follows the other modules' events.
    sagaReaction({
      name: "orders.markProcessingWhenStockReserved",
      on: "INVENTORY_RESERVED",
      styles,
      load,
      decide: onOrder(onStockReserved),
      apply,
    }),
    sagaReaction({
      name: "orders.completeOrderWhenStockConfirmed",
      on: "INVENTORY_CONFIRMED",
      styles,
      load,
      decide: onOrder(onStockConfirmed),
      apply,
    }),
    sagaReaction({
      name: "orders.cancelOrderWhenStockUnavailable",
      on: "INVENTORY_FAILED",
      styles,
      load,
      decide: onOrder(onStockUnavailable),
      apply,
    }),
    sagaReaction({
      name: "orders.cancelOrderWhenStockReleased",
      on: "INVENTORY_RELEASED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: onOrder(onStockReleased),
      apply,
    }),
    sagaReaction({
      name: "orders.cancelOrderWhenPaymentRefunded",
      on: "PAYMENT_REFUNDED",
      styles: undoesChoreographyAndRpc,
      load,
      decide: onOrder(onPaymentRefunded),
      apply,
    }),
    // Orchestration: the orchestrator tells orders how the saga ended, decided by the same rules.
    sagaReaction({ name: "orders.completeOrderOnCommand", on: "COMPLETE_ORDER", load, decide: onOrder(onStockConfirmed), apply }),
    sagaReaction({ name: "orders.cancelOrderOnCommand", on: "CANCEL_ORDER", load, decide: onOrder(onCancelOrderCommand), apply }),
    // The order's deadline is a due time in the relay's schedule (never a timer per order), read
    // when the relay reaches ORDER_CREATED: orders' own rule on its own event, in every style.
    // It is dropped when the order becomes final (orders.store.ts), and never scheduled for an
    // order already final by then (an rpc chain can end before the relay reaches its first event).
    sagaReaction({
      name: ORDER_TIMEOUT_REACTION,
      on: "ORDER_CREATED",
      delayMs: (event) => orderTimeoutDelay(load(event).order, timeoutMs(event)),
      load,
      decide: onOrder((event: SagaEvent<"ORDER_CREATED">, order) => onOrderTimedOut(event, order, { timeoutMs: timeoutMs(event) })),
      apply,
    }),
  ];
}
