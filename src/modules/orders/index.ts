/**
 * Orders: owns `orders` and `order_items`. Places orders (emitting ORDER_CREATED) and follows
 * each saga to its end: INVENTORY_RESERVED → PROCESSING; INVENTORY_CONFIRMED → COMPLETED
 * (emits ORDER_COMPLETED); INVENTORY_FAILED, INVENTORY_RELEASED or PAYMENT_REFUNDED (the last
 * step of undoing a completed order) → CANCELLED with its cancellationSource (emits ORDER_CANCELLED). A cancel
 * (customer, operator, or the order's own timeout) is asked for with
 * ORDER_CANCELLATION_REQUESTED. It never reads the catalog: the order's total arrives priced
 * on INVENTORY_RESERVED.
 */
import type { ModuleDeps } from "../module-deps";
import { orderReactions } from "./orders.reactions";
import { ordersRoutes } from "./orders.routes";
import { type OrdersHooks, ordersService } from "./orders.service";
import { ordersStatements } from "./orders.sql";

export { idempotencyHeaderSchema } from "./orders.schemas";
export { MAX_ORDER_LINES, type OrderJson, type PlaceOrderInput, orderIdParamSchema, placeOrderBodySchema } from "./orders.schemas";
export { type OrderStatus, isFinal, orderStatuses } from "./order-status";
export type { OrderRow } from "./orders.sql";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function ordersModule(deps: ModuleDeps, hooks: OrdersHooks = {}) {
  const statements = ordersStatements(deps.db.$client);
  const decisions = orderReactions(deps, statements);
  const service = ordersService(deps, statements, decisions, hooks);
  return {
    name: "orders",
    reactions: decisions.reactions,
    routes: ordersRoutes(deps, service),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      findOrder: service.findOrder,
      findOrderBySaga: service.findOrderBySaga,
      sessionSummaries: service.sessionSummaries,
      listOrders: service.listOrders,
      recentOrders: service.recentOrders,
      auditSessions: service.auditSessions,
      auditOrders: service.auditOrders,
      existingOrderIds: service.existingOrderIds,
    },
    /** What the dashboard may do, exactly as the API does it. */
    commands: {
      forgetSession: service.forgetSession,
      sessionTables: service.sessionTables,
      sessionActivity: service.sessionActivity,
      placeOrder: service.placeOrder,
      placeOrderOnce: service.placeOrderOnce,
      requestCancellation: service.requestCancellation,
    },
  };
}
export type OrdersModule = ReturnType<typeof ordersModule>;
