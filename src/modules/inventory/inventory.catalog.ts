import { and, asc, eq, notInArray, sql } from "drizzle-orm";
import { transaction } from "../../platform/db";
import { InvalidStateError } from "../../platform/errors";
import { giveWay } from "../../platform/give-way";
import { pastPosition } from "../../platform/paging";
import type { ModuleDeps } from "../module-deps";
import { type CatalogProduct, defaultCatalogFor } from "./catalog";
import { decideSeed } from "./inventory.decide";
import { type ProductJson, productToJson } from "./inventory.schemas";
import { products, reservations } from "./inventory.sql";
import type { InventoryStore } from "./inventory.store";

/** Reservations dropped per transaction by `POST /inventory/reset`. */
export const RESET_SLICE = 500;

/** The catalog: its listing, a seed that replaces it, and the reset that starts the session's inventory over. */
export function inventoryCatalog(deps: ModuleDeps, store: InventoryStore) {
  const { db } = deps;

  /** The whole catalog, by name (at most MAX_CATALOG_PRODUCTS): for the dashboard and a seed's answer. */
  function listProducts(sessionId: string): ProductJson[] {
    return listProductsPage(sessionId, Number.MAX_SAFE_INTEGER).products;
  }

  /** `GET /inventory`: by name, after `after` (the last product of the previous page), at most `limit`. */
  function listProductsPage(sessionId: string, limit: number, after?: readonly [string, string]) {
    const rows = db
      .select()
      .from(products)
      .where(and(eq(products.sessionId, sessionId), pastPosition(products.name, products.id, after, "asc")))
      .orderBy(asc(products.name), asc(products.id))
      .limit(Math.min(limit + 1, Number.MAX_SAFE_INTEGER))
      .all();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next: readonly [string, string] | undefined = rows.length > limit && last ? [last.name, last.id] : undefined;
    return { products: page.map(productToJson), next };
  }

  /**
   * Makes the session's catalog exactly `catalog`: existing products take the new name, price and
   * stock level and keep what is reserved for orders in flight; products not listed are removed.
   * Refused (409, nothing written) where decideSeed says so: let those sagas finish, or reset.
   */
  function seedCatalog(sessionId: string, catalog: readonly CatalogProduct[] = defaultCatalogFor(sessionId)): ProductJson[] {
    const now = deps.clock.now();
    transaction(db, () => {
      const ids = catalog.map((p) => p.id);
      const held = db
        .select({ id: products.id, reserved: products.reserved })
        .from(products)
        .where(eq(products.sessionId, sessionId))
        .all();
      const decision = decideSeed(catalog, held);
      if (decision.type === "refuse") throw new InvalidStateError(decision.reason);
      db.delete(products)
        .where(and(eq(products.sessionId, sessionId), notInArray(products.id, ids)))
        .run();
      // Units its confirmed reservations took, per product, so far (one grouped read, the seed's only extra cost).
      const sold = new Map(store.soldUnits(sessionId).map((row) => [row.productId, row.units]));
      for (const p of catalog) {
        db.insert(products)
          .values({
            id: p.id,
            sessionId,
            name: p.name,
            priceCents: p.price_cents,
            stockLevel: p.stock_level,
            seededUnits: p.stock_level + (sold.get(p.id) ?? 0),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [products.sessionId, products.id],
            set: {
              name: p.name,
              priceCents: p.price_cents,
              stockLevel: p.stock_level,
              // What the product will have plus what it has sold: the live stock_conserved check's right-hand side.
              seededUnits: sql`${p.stock_level + (sold.get(p.id) ?? 0)} + ${products.soldToResetOrders}`,
              version: sql`${products.version} + 1`,
              updatedAt: now,
            },
          })
          .run();
      }
    });
    deps.changes.announce(sessionId, "INVENTORY_CHANGED");
    return listProducts(sessionId);
  }

  /** Up to `limit` of the session's reservations gone, the units the PENDING ones held handed back; answers how many went. */
  function forgetSomeReservations(sessionId: string, limit: number): number {
    const slice = db
      .select({ id: reservations.id, status: reservations.status })
      .from(reservations)
      .where(eq(reservations.sessionId, sessionId))
      .limit(limit)
      .all();
    store.handBack(
      sessionId,
      slice.filter((r) => r.status === "PENDING").map((r) => r.id),
    );
    store.drop(
      sessionId,
      slice.map((r) => r.id),
    );
    return slice.length;
  }

  return {
    listProducts,
    listProductsPage,
    seedCatalog,

    /**
     * `POST /inventory/reset`: drops the session's reservations and products and reloads the
     * default catalog. The relay's record of what it delivered (its cursor and schedule) is not
     * touched, so a duplicate delivery arriving after the reset is still recognised
     * (docs/architecture.md, "Idempotency: one mechanism").
     *
     * A session may keep thousands of reservations, so they go RESET_SLICE at a time, one
     * transaction each, giving way to other requests between them; each slice hands back the
     * units its PENDING reservations hold, so the catalog matches what is still reserved after
     * every slice. The catalog itself (at most 500 products) is replaced in one last transaction,
     * with any reservation made meanwhile.
     */
    async resetInventory(sessionId: string): Promise<ProductJson[]> {
      while (transaction(db, () => forgetSomeReservations(sessionId, RESET_SLICE)) === RESET_SLICE) await giveWay();
      transaction(db, () => {
        db.delete(reservations).where(eq(reservations.sessionId, sessionId)).run();
        db.delete(products).where(eq(products.sessionId, sessionId)).run();
      });
      return seedCatalog(sessionId);
    },
  };
}
export type InventoryCatalog = ReturnType<typeof inventoryCatalog>;
