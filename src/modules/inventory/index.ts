/**
 * Inventory: owns `products`, `reservations` and `reservation_lines`, and the catalog's prices.
 * Listens to ORDER_CREATED (reserve all or nothing, after the inventory demo delay: emits
 * INVENTORY_RESERVED priced from the catalog, or INVENTORY_FAILED listing every short line),
 * PAYMENT_SUCCESS (confirm: emits INVENTORY_CONFIRMED) and PAYMENT_FAILED (release: emits
 * INVENTORY_RELEASED). A reservation is never deleted except by a reset.
 */
import type { Deps } from "../../platform/deps";
import { inventoryReactions } from "./inventory.reactions";
import { inventoryRoutes } from "./inventory.routes";

export function installInventory(deps: Deps) {
  for (const reaction of inventoryReactions(deps)) deps.bus.subscribe(reaction);
  return inventoryRoutes(deps);
}
