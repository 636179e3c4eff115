/**
 * Inventory: owns `products`, `reservations` and `reservation_lines`, and the catalog's prices.
 * Listens to ORDER_CREATED (reserve all or nothing, after the inventory demo delay: emits
 * INVENTORY_RESERVED priced from the catalog, or INVENTORY_FAILED listing every short line),
 * PAYMENT_SUCCESS (confirm: emits INVENTORY_CONFIRMED, or INVENTORY_FAILED at the confirm stage
 * when the reservation is gone), PAYMENT_FAILED (release: emits INVENTORY_RELEASED) and
 * ORDER_CANCELLED (gives back stock still held). A reservation is never deleted except by a reset.
 * Also a remote service (inventory.rpc.ts, seed 002's InventoryService): the same rules, called;
 * a reservation a call makes emits INVENTORY_HELD, which only its own expiry listens to.
 */
import type { ModuleDeps } from "../module-deps";
import { inventoryAudit } from "./inventory.audit";
import { inventoryCatalog } from "./inventory.catalog";
import { inventoryQueries } from "./inventory.queries";
import { inventoryReactions } from "./inventory.reactions";
import { inventoryRoutes } from "./inventory.routes";
import { inventoryRpc } from "./inventory.rpc";
import { inventorySessions } from "./inventory.sessions";
import { inventoryStatements } from "./inventory.sql";
import { inventoryStore } from "./inventory.store";

export type { ProductJson, ReservationJson } from "./inventory.schemas";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function inventoryModule(deps: ModuleDeps) {
  const store = inventoryStore(deps, inventoryStatements(deps.db.$client));
  const catalog = inventoryCatalog(deps, store);
  const reads = inventoryQueries(deps);
  const audit = inventoryAudit(deps);
  const sessions = inventorySessions(deps, store);
  return {
    name: "inventory",
    reactions: inventoryReactions(deps, store),
    routes: inventoryRoutes(catalog, reads),
    /** seed 002's InventoryService (proto/inventory/v1): the composition root serves it over Connect, gRPC-Web and gRPC. */
    rpc: inventoryRpc(deps, store),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      listProducts: catalog.listProducts,
      inventoryStats: reads.inventoryStats,
      listReservations: reads.listReservations,
      checkAvailability: reads.checkAvailability,
      sessionActivity: sessions.sessionActivity,
      auditSessions: audit.auditSessions,
      auditStock: audit.auditStock,
      auditReservations: audit.auditReservations,
      pendingReservationOrders: audit.pendingReservationOrders,
    },
    /** What the dashboard may do, exactly as the API does it. */
    commands: {
      forgetSession: sessions.forgetSession,
      sessionTables: sessions.sessionTables,
      sessionActivity: sessions.sessionActivity,
      keptOrderIds: sessions.keptOrderIds,
      forgetOrders: sessions.forgetOrders,
      seedCatalog: (sessionId: string) => catalog.seedCatalog(sessionId),
      resetInventory: catalog.resetInventory,
    },
  };
}
export type InventoryModule = ReturnType<typeof inventoryModule>;
export type InventoryStats = ReturnType<InventoryModule["queries"]["inventoryStats"]>;
