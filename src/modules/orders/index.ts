/**
 * Orders: owns `orders` and `order_items`. Places orders (emitting ORDER_CREATED) and follows
 * each saga to its end: INVENTORY_RESERVED → PROCESSING; INVENTORY_CONFIRMED → COMPLETED
 * (emits ORDER_COMPLETED); INVENTORY_FAILED, INVENTORY_RELEASED or PAYMENT_REFUNDED →
 * CANCELLED with its cancellationSource (emits ORDER_CANCELLED). It never reads the catalog:
 * the order's total arrives priced on INVENTORY_RESERVED.
 */
import type { Deps } from "../../platform/deps";
import { orderReactions } from "./orders.reactions";
import { ordersRoutes } from "./orders.routes";

export function installOrders(deps: Deps) {
  for (const reaction of orderReactions) deps.bus.subscribe(reaction);
  return ordersRoutes(deps);
}
