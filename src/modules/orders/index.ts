/**
 * Orders: owns `orders` and `order_items`. Places orders (emitting ORDER_CREATED) and follows
 * each saga to its end: INVENTORY_RESERVED → PROCESSING; INVENTORY_CONFIRMED → COMPLETED
 * (emits ORDER_COMPLETED); INVENTORY_FAILED, INVENTORY_RELEASED or PAYMENT_REFUNDED →
 * CANCELLED with its cancellationSource (emits ORDER_CANCELLED). It never reads the catalog:
 * the order's total arrives priced on INVENTORY_RESERVED.
 */
import type { ModuleDeps } from "../module-deps";
import { orderReactions } from "./orders.reactions";
import { ordersRoutes } from "./orders.routes";
import { ordersService } from "./orders.service";
import { ordersStatements } from "./orders.sql";

export { MAX_ORDER_LINES, type OrderJson, type PlaceOrderInput, orderIdParamSchema, placeOrderBodySchema } from "./orders.schemas";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function ordersModule(deps: ModuleDeps) {
  const statements = ordersStatements(deps.db.$client);
  const service = ordersService(deps, statements);
  return {
    name: "orders",
    reactions: orderReactions(statements),
    routes: ordersRoutes(deps, service),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      findOrder: service.findOrder,
      listOrders: service.listOrders,
      auditRows: service.auditRows,
    },
    /** What the dashboard may do, exactly as the API does it. */
    commands: { placeOrder: service.placeOrder },
  };
}
export type OrdersModule = ReturnType<typeof ordersModule>;
