/**
 * Inventory: owns `products`, `reservations` and `reservation_lines`, and the catalog's prices.
 * Listens to ORDER_CREATED (reserve all or nothing, after the inventory demo delay: emits
 * INVENTORY_RESERVED priced from the catalog, or INVENTORY_FAILED listing every short line),
 * PAYMENT_SUCCESS (confirm: emits INVENTORY_CONFIRMED, or INVENTORY_FAILED at the confirm stage
 * when the reservation is gone), PAYMENT_FAILED (release: emits INVENTORY_RELEASED) and
 * ORDER_CANCELLED (gives back stock still held). A reservation is never deleted except by a reset.
 */
import type { ModuleDeps } from "../module-deps";
import { inventoryReactions } from "./inventory.reactions";
import { inventoryRoutes } from "./inventory.routes";
import { inventoryService } from "./inventory.service";
import { inventoryStatements } from "./inventory.sql";

export { type ProductJson, type ReservationJson } from "./inventory.schemas";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function inventoryModule(deps: ModuleDeps) {
  const service = inventoryService(deps, inventoryStatements(deps.db.$client));
  return {
    name: "inventory",
    reactions: inventoryReactions(deps, service),
    routes: inventoryRoutes(service),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      listProducts: service.listProducts,
      inventoryStats: service.inventoryStats,
      listReservations: service.listReservations,
      checkAvailability: service.checkAvailability,
      sessionActivity: service.sessionActivity,
      auditSessions: service.auditSessions,
      auditStock: service.auditStock,
      auditReservations: service.auditReservations,
      pendingReservationOrders: service.pendingReservationOrders,
    },
    /** What the dashboard may do, exactly as the API does it. */
    commands: {
      forgetSession: service.forgetSession,
      sessionTables: service.sessionTables,
      sessionActivity: service.sessionActivity,
      keptOrderIds: service.keptOrderIds,
      forgetOrders: service.forgetOrders,
      seedCatalog: (sessionId: string) => service.seedCatalog(sessionId),
      resetInventory: service.resetInventory,
    },
  };
}
export type InventoryModule = ReturnType<typeof inventoryModule>;
export type InventoryStats = ReturnType<InventoryModule["queries"]["inventoryStats"]>;
