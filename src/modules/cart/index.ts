/**
 * Cart: owns `carts` and `cart_items`. A session gathers lines for one order (a product and
 * its quantity, priced from the catalog when read) and checks the cart out: orders places
 * the order and the cart goes in the same transaction. A cart reserves nothing; it expires
 * the session's cartTtlMs after its last change (404 CART_EXPIRED, counted as abandoned).
 */
import type { ModuleDeps } from "../module-deps";
import { cartCommands } from "./cart.commands";
import type { CartPorts } from "./cart.ports";
import { cartQueries } from "./cart.queries";
import { cartRoutes } from "./cart.routes";

export type { CartOperation, CartPorts } from "./cart.ports";
export type { CartJson } from "./cart.schemas";

/** Built once by the composition root, with the ports to the catalog, orders and the metrics. */
export function cartModule(deps: ModuleDeps, ports: CartPorts) {
  const reads = cartQueries(deps.db);
  const commands = cartCommands(deps, reads, ports);
  return {
    name: "cart",
    routes: cartRoutes(commands),
    /** What the dashboard may do, exactly as the API does it; and what a session keeps here. */
    commands,
  };
}
export type CartModule = ReturnType<typeof cartModule>;
