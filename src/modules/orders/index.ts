/**
 * Orders: owns each order's stream (`order_events`, order-aggregate.ts) and its projection,
 * `orders` and `order_items`. Places orders (emitting ORDER_CREATED) and follows
 * each saga to its end: INVENTORY_RESERVED → PROCESSING; INVENTORY_CONFIRMED → COMPLETED
 * (emits ORDER_COMPLETED); INVENTORY_FAILED, INVENTORY_RELEASED or PAYMENT_REFUNDED (the last
 * step of undoing a completed order) → CANCELLED with its cancellationSource (emits ORDER_CANCELLED). A cancel
 * (customer, operator, or the order's own timeout) is asked for with
 * ORDER_CANCELLATION_REQUESTED. It never reads the catalog: the order's total arrives priced
 * on INVENTORY_RESERVED. An order placed with `sagaStyle: "rpc"` is driven by orders itself,
 * calling inventory and payments through their RPC interfaces (rpc-saga.ts) and recording each
 * call (RPC_CALL); POST /orders answers when its chain has ended.
 */
import type { ModuleDeps } from "../module-deps";
import { ordersAudit } from "./orders.audit";
import { type OrdersHooks, ordersCommands } from "./orders.commands";
import { ordersHistory } from "./orders.history";
import { ordersQueries } from "./orders.queries";
import { sessionQuota } from "./orders.quota";
import { ORDER_TIMEOUT_REACTION, orderReactions } from "./orders.reactions";
import { ordersRoutes } from "./orders.routes";
import { ordersStatements } from "./orders.sql";
import { ordersStore } from "./orders.store";
import { versionLegacyOrders } from "./orders.upgrade";
import { rpcSaga } from "./rpc-saga";

export { isFinal, type OrderStatus, orderStatuses } from "./order-status";
export type { PlaceOrderOptions } from "./orders.commands";
export type { OrderVersionJson, RebuildReport } from "./orders.history";
export { ORDER_TIMEOUT_REACTION } from "./orders.reactions";
export {
  idempotencyHeaderSchema,
  MAX_ORDER_LINES,
  type OrderJson,
  orderIdParamSchema,
  orderJsonSchema,
  type PlaceOrderInput,
  placeOrderBehavioursSchema,
  placeOrderBodySchema,
} from "./orders.schemas";
export type { OrderRow } from "./orders.sql";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function ordersModule(deps: ModuleDeps, hooks: OrdersHooks = {}) {
  const statements = ordersStatements(deps.db.$client);
  // Orders written before orders had streams get theirs before anything reads or moves them.
  versionLegacyOrders(deps, statements);
  const store = ordersStore(
    statements,
    { cancel: (sessionId, orderId) => deps.bus.cancelDeliveries(sessionId, orderId, ORDER_TIMEOUT_REACTION) },
    () => hooks.onStreamConflict?.(),
  );
  const quota = sessionQuota(deps, statements);
  const reads = ordersQueries(deps, statements);
  const rpc = rpcSaga(deps, store, () => {
    if (!hooks.rpc) throw new Error("An rpc-style order was placed on a server composed without RPC clients");
    return hooks.rpc();
  });
  const commands = ordersCommands(deps, { statements, store, quota, reads, rpc }, hooks);
  const history = ordersHistory(deps, statements);
  const audit = ordersAudit(deps, quota);
  return {
    name: "orders",
    reactions: orderReactions(deps, store),
    routes: ordersRoutes(deps, commands, reads, history),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      findOrder: reads.findOrder,
      findOrderBySaga: reads.findOrderBySaga,
      sessionSummaries: reads.sessionSummaries,
      listOrders: reads.listOrders,
      listOrdersPage: reads.listOrdersPage,
      recentOrders: reads.recentOrders,
      /** The order's versions, each with its state (the dashboard's history scrubber). */
      orderHistory: history.history,
      auditSessions: audit.auditSessions,
      auditOrders: audit.auditOrders,
      existingOrderIds: audit.existingOrderIds,
    },
    /** What the dashboard may do, exactly as the API does it. */
    commands: {
      forgetSession: audit.forgetSession,
      sessionTables: audit.sessionTables,
      sessionActivity: audit.sessionActivity,
      placeOrder: commands.placeOrder,
      placeOrderOnce: commands.placeOrderOnce,
      replayOf: commands.replayOf,
      requestCancellation: commands.requestCancellation,
      resetOrders: commands.resetOrders,
      rebuildProjection: history.rebuildProjection,
    },
  };
}
export type OrdersModule = ReturnType<typeof ordersModule>;
