import { and, asc, count, desc, eq, inArray, notInArray, sql, sum } from "drizzle-orm";
import { pastPosition } from "../../platform/paging";
import { deleteSessionRows, lastChangePerSession, transaction } from "../../platform/db";
import { giveWay } from "../../platform/give-way";
import { InvalidStateError } from "../../platform/errors";
import type { ModuleDeps } from "../module-deps";
import type { OrderLine } from "../saga-terms";
import { type CatalogProduct, defaultCatalogFor } from "./catalog";
import { type InventoryOutcome, type ReservationAttempt, type ReservationState, decideSeed } from "./inventory.decide";
import type { PricedLine } from "./inventory.events";
import { mergeLines, reservationIdOf } from "./reservation-rules";
import { type ProductJson, productToJson, reservationToJson } from "./inventory.schemas";
import { type InventoryStatements, availableUnits, products, reservationLines, reservations } from "./inventory.sql";

/** Thrown inside the savepoint to undo the lines already reserved when another line is short. */
class Shortage extends Error {}

/** Reservations dropped per transaction by `POST /inventory/reset`. */
export const RESET_SLICE = 500;

/** The tables that keep a session's rows, children before the rows they refer to. */
const sessionTables = ["reservation_lines", "reservations", "products"] as const;

/** Inventory's commands and queries; the routes, the reactions and (through index.ts) the dashboard call these. */
export function inventoryService(deps: ModuleDeps, statements: InventoryStatements) {
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
   * Refused (409, nothing written) where that would leave reserved stock without a product or
   * above its stock level: let those sagas finish, or reset.
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
      for (const p of catalog) {
        db.insert(products)
          .values({
            id: p.id,
            sessionId,
            name: p.name,
            priceCents: p.price_cents,
            stockLevel: p.stock_level,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [products.sessionId, products.id],
            set: {
              name: p.name,
              priceCents: p.price_cents,
              stockLevel: p.stock_level,
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

  function linesOf(sessionId: string, reservationId: string): PricedLine[] {
    return statements.reservationLines.all({ sessionId, reservationId });
  }

  /** Up to `limit` of the session's reservations gone, the units the PENDING ones held handed back; answers how many went. */
  function forgetSomeReservations(sessionId: string, limit: number): number {
    const slice = db
      .select({ id: reservations.id, status: reservations.status })
      .from(reservations)
      .where(eq(reservations.sessionId, sessionId))
      .limit(limit)
      .all();
    const pending = slice.filter((r) => r.status === "PENDING").map((r) => r.id);
    if (pending.length > 0) {
      const held = db
        .select({ productId: reservationLines.productId, units: sql<number>`sum(${reservationLines.quantity})` })
        .from(reservationLines)
        .where(and(eq(reservationLines.sessionId, sessionId), inArray(reservationLines.reservationId, pending)))
        .groupBy(reservationLines.productId)
        .all();
      for (const { productId, units } of held) {
        db.update(products)
          .set({ reserved: sql`${products.reserved} - ${units}` })
          .where(and(eq(products.sessionId, sessionId), eq(products.id, productId)))
          .run();
      }
    }
    // The lines go with their reservation (ON DELETE CASCADE).
    db.delete(reservations)
      .where(
        and(
          eq(reservations.sessionId, sessionId),
          inArray(
            reservations.id,
            slice.map((r) => r.id),
          ),
        ),
      )
      .run();
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

    /** The orders this module keeps a reservation for (what an orders reset may have left behind). */
    keptOrderIds(sessionId: string): string[] {
      return db
        .select({ orderId: reservations.orderId })
        .from(reservations)
        .where(eq(reservations.sessionId, sessionId))
        .all()
        .map((row) => row.orderId);
    },

    /**
     * After an orders reset: the reservations of these orders, which no longer exist and whose
     * sagas are over, dropped (inside the caller's transaction). A PENDING one still holds stock
     * and is kept, for the checker to see. The units a CONFIRMED one took stay counted as sold
     * (`sold_to_reset_orders`), so the stock is still conserved once the reservation is gone.
     */
    forgetOrders(sessionId: string, orderIds: readonly string[]): void {
      if (orderIds.length === 0) return;
      const settled = db
        .select({ id: reservations.id, status: reservations.status, restockedAt: reservations.restockedAt })
        .from(reservations)
        .where(and(eq(reservations.sessionId, sessionId), inArray(reservations.orderId, [...orderIds])))
        .all()
        .filter((r) => r.status !== "PENDING");
      if (settled.length === 0) return;
      const sold = settled.filter((r) => r.status === "CONFIRMED" && r.restockedAt === null).map((r) => r.id);
      if (sold.length > 0) {
        const units = db
          .select({ productId: reservationLines.productId, units: sql<number>`sum(${reservationLines.quantity})` })
          .from(reservationLines)
          .where(and(eq(reservationLines.sessionId, sessionId), inArray(reservationLines.reservationId, sold)))
          .groupBy(reservationLines.productId)
          .all();
        for (const { productId, units: n } of units) {
          db.update(products)
            .set({ soldToResetOrders: sql`${products.soldToResetOrders} + ${n}` })
            .where(and(eq(products.sessionId, sessionId), eq(products.id, productId)))
            .run();
        }
      }
      // The lines go with their reservation (ON DELETE CASCADE).
      db.delete(reservations)
        .where(
          and(
            eq(reservations.sessionId, sessionId),
            inArray(
              reservations.id,
              settled.map((r) => r.id),
            ),
          ),
        )
        .run();
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,

    inventoryStats(sessionId: string) {
      const totals = db
        .select({
          totalProducts: count(),
          totalStock: sum(products.stockLevel).mapWith(Number),
          totalReserved: sum(products.reserved).mapWith(Number),
        })
        .from(products)
        .where(eq(products.sessionId, sessionId))
        .get();
      const byStatus = new Map(
        db
          .select({ status: reservations.status, n: count() })
          .from(reservations)
          .where(eq(reservations.sessionId, sessionId))
          .groupBy(reservations.status)
          .all()
          .map((r) => [r.status, r.n]),
      );
      const stock = totals?.totalStock ?? 0;
      const reserved = totals?.totalReserved ?? 0;
      const pending = byStatus.get("PENDING") ?? 0;
      const confirmed = byStatus.get("CONFIRMED") ?? 0;
      const released = byStatus.get("RELEASED") ?? 0;
      return {
        products: {
          total_products: totals?.totalProducts ?? 0,
          total_stock: stock,
          total_reserved: reserved,
          total_available: stock - reserved,
        },
        reservations: {
          pending_reservations: pending,
          confirmed_reservations: confirmed,
          released_reservations: released,
          total_reservations: pending + confirmed + released,
        },
      };
    },

    /**
     * All or nothing: each product is one conditional UPDATE (`stock_level - reserved >= qty`)
     * inside a savepoint; if any is short, the savepoint is rolled back and every short line is
     * reported with what is available now.
     */
    reserveStock(
      sessionId: string,
      orderId: string,
      lines: readonly OrderLine[],
      now: number,
      expiresAt: number | null,
    ): ReservationAttempt {
      const priced: PricedLine[] = [];
      const shortIds: string[] = [];
      try {
        transaction(db, () => {
          for (const line of lines) {
            const row = statements.reserveLine.get({ sessionId, product: line.product, quantity: line.quantity, now });
            if (row) priced.push({ ...line, priceCents: row.priceCents });
            else shortIds.push(line.product);
          }
          if (shortIds.length > 0) throw new Shortage();
        });
      } catch (error) {
        if (!(error instanceof Shortage)) throw error;
        const available = new Map(
          db
            .select({ id: products.id, available: availableUnits })
            .from(products)
            .where(and(eq(products.sessionId, sessionId), inArray(products.id, shortIds)))
            .all()
            .map((p) => [p.id, p.available]),
        );
        const short = lines
          .filter((line) => shortIds.includes(line.product))
          .map((line) => ({
            product: line.product,
            requested: line.quantity,
            available: available.get(line.product) ?? 0,
            known: available.has(line.product),
          }));
        return { reserved: false, short };
      }
      const reservationId = reservationIdOf(deps.ids.uuid());
      statements.insertReservation.run({ id: reservationId, sessionId, orderId, expiresAt, now });
      for (const line of priced) statements.insertReservationLine.run({ sessionId, reservationId, ...line });
      return { reserved: true, reservationId, items: priced, expiresAt };
    },

    /**
     * `POST /inventory/check` (seed 002's CheckAvailability): whether each product could be
     * reserved now, by the reservation's own rule (lines of one product added up; an unknown
     * product has nothing available). Reserves nothing; the answer can be stale a moment later.
     */
    checkAvailability(sessionId: string, lines: readonly OrderLine[]) {
      const merged = mergeLines(lines);
      const available = new Map(
        db
          .select({ id: products.id, available: availableUnits })
          .from(products)
          .where(
            and(
              eq(products.sessionId, sessionId),
              inArray(
                products.id,
                merged.map((line) => line.product),
              ),
            ),
          )
          .all()
          .map((p) => [p.id, p.available]),
      );
      const items = merged.map(({ product, quantity }) => {
        const now = available.get(product) ?? 0;
        return { product, requested: quantity, available: now, isAvailable: now >= quantity };
      });
      return { allAvailable: items.every((item) => item.isAvailable), items };
    },

    /** The order's reservation with its lines, as inventory's decisions read it. */
    reservationState(sessionId: string, orderId: string): ReservationState {
      const reservation = statements.reservationOfOrder.get({ sessionId, orderId });
      if (!reservation) return undefined;
      const { id, status, restockedAt, releaseReason, releaseCause } = reservation;
      const released = status === "RELEASED" ? { reason: releaseReason ?? "", cause: releaseCause } : undefined;
      return { id, status, lines: linesOf(sessionId, id), restocked: restockedAt !== null, released };
    },

    /** Puts a cancelled completed order's units back in stock, once. */
    restockReservation(sessionId: string, reservationId: string, lines: readonly PricedLine[], now: number): void {
      if (!statements.markRestocked.get({ sessionId, id: reservationId, now })) {
        throw new Error(`Reservation ${reservationId} is not a CONFIRMED reservation waiting to be restocked`);
      }
      for (const line of lines) statements.restockLine.run({ sessionId, product: line.product, quantity: line.quantity, now });
    },

    /** The order was cancelled before any stock was reserved for it: its books are closed, holding nothing. */
    closeUnreserved(
      sessionId: string,
      orderId: string,
      closed: { reservationId: string; reason: string; cause: string },
      now: number,
    ): void {
      const { reservationId: id, reason: releaseReason, cause: releaseCause } = closed;
      statements.insertClosedReservation.run({ sessionId, id, orderId, releaseReason, releaseCause, now });
    },

    /**
     * Settles a PENDING reservation: CONFIRMED takes the units out of stock for good, RELEASED
     * hands them back. Each product line is a guarded UPDATE; a line that does not apply means
     * the books are broken, so it throws and the delivery is retried rather than half-applied.
     */
    settleReservation(sessionId: string, settle: Extract<InventoryOutcome, { type: "settle" }>, now: number): void {
      const { reservationId, lines, to } = settle;
      for (const line of lines) {
        const applied = statements.settleLine[to].get({ sessionId, product: line.product, quantity: line.quantity, now });
        if (!applied) {
          throw new Error(
            `Reservation ${reservationId} holds ${line.quantity} of ${line.product}, which the product does not show as reserved`,
          );
        }
      }
      const releaseReason = settle.to === "RELEASED" ? settle.reason : null;
      const releaseCause = settle.to === "RELEASED" ? settle.cause : null;
      const moved = statements.settleReservation.get({ sessionId, id: reservationId, status: to, releaseReason, releaseCause, now });
      if (!moved) throw new Error(`Reservation ${reservationId} is no longer PENDING`);
    },

    /**
     * `GET /inventory/reservations`: the session's reservations, newest first, each with its lines.
     * Two queries whatever the count: the lines are fetched for the whole page at once.
     */
    listReservations(sessionId: string, limit: number) {
      const rows = db
        .select()
        .from(reservations)
        .where(eq(reservations.sessionId, sessionId))
        .orderBy(desc(reservations.createdAt), desc(reservations.id))
        .limit(limit)
        .all();
      if (rows.length === 0) return [];
      const lines = db
        .select()
        .from(reservationLines)
        .where(
          and(
            eq(reservationLines.sessionId, sessionId),
            inArray(
              reservationLines.reservationId,
              rows.map((r) => r.id),
            ),
          ),
        )
        .orderBy(asc(reservationLines.productId))
        .all();
      const linesByReservation = Map.groupBy(lines, (line) => line.reservationId);
      return rows.map((row) =>
        reservationToJson(
          row,
          (linesByReservation.get(row.id) ?? []).map((l) => ({ product: l.productId, quantity: l.quantity, priceCents: l.priceCents })),
        ),
      );
    },

    /** Per session with a catalog or reservations (or just the one asked for: an index search): when one last changed (the teacher's overview, the idle purge). */
    sessionActivity(sessionId?: string) {
      // Reservation lines exist only with their reservation.
      return lastChangePerSession(
        db,
        [
          ["products", "updated_at"],
          ["reservations", "updated_at"],
        ],
        sessionId,
      );
    },

    /** The sessions that keep a catalog or reservations (for the consistency checker run over every session). */
    auditSessions(): string[] {
      const withProducts = db.selectDistinct({ sessionId: products.sessionId }).from(products).all();
      const withReservations = db.selectDistinct({ sessionId: reservations.sessionId }).from(reservations).all();
      return [...new Set([...withProducts, ...withReservations].map((row) => row.sessionId))];
    },

    /**
     * A session's products, each with the units its PENDING reservations hold and the units its
     * confirmed reservations took (a restocked one put them back): summed by SQL in one query,
     * so a session's 20,000 reservation lines never become objects.
     */
    auditStock(sessionId: string) {
      const units = db
        .select({
          productId: reservationLines.productId,
          pending: sql<number>`coalesce(sum(CASE WHEN ${reservations.status} = 'PENDING' THEN ${reservationLines.quantity} END), 0)`,
          taken: sql<number>`coalesce(sum(CASE WHEN ${reservations.status} = 'CONFIRMED' AND ${reservations.restockedAt} IS NULL THEN ${reservationLines.quantity} END), 0)`,
        })
        .from(reservationLines)
        .innerJoin(
          reservations,
          and(eq(reservations.sessionId, reservationLines.sessionId), eq(reservations.id, reservationLines.reservationId)),
        )
        .where(eq(reservationLines.sessionId, sessionId))
        .groupBy(reservationLines.productId)
        .all();
      const unitsByProduct = new Map(units.map((u) => [u.productId, u]));
      return db
        .select()
        .from(products)
        .where(eq(products.sessionId, sessionId))
        .all()
        .map((product) => ({
          product,
          pendingUnits: unitsByProduct.get(product.id)?.pending ?? 0,
          // Units sold to orders an orders reset removed count as taken, as their reservations did.
          takenUnits: (unitsByProduct.get(product.id)?.taken ?? 0) + product.soldToResetOrders,
        }));
    },

    /** The reservations of a slice of a session's orders, each saying whether it holds any lines. */
    auditReservations(sessionId: string, orderIds: readonly string[]) {
      if (orderIds.length === 0) return [];
      const rows = db
        .select()
        .from(reservations)
        .where(and(eq(reservations.sessionId, sessionId), inArray(reservations.orderId, [...orderIds])))
        .all();
      if (rows.length === 0) return [];
      const withLines = new Set(
        db
          .selectDistinct({ reservationId: reservationLines.reservationId })
          .from(reservationLines)
          .where(
            and(
              eq(reservationLines.sessionId, sessionId),
              inArray(
                reservationLines.reservationId,
                rows.map((r) => r.id),
              ),
            ),
          )
          .all()
          .map((line) => line.reservationId),
      );
      return rows.map((row) => ({ ...row, holdsLines: withLines.has(row.id) }));
    },

    /** The orders whose reservation is still PENDING: stock held until a saga settles it. */
    pendingReservationOrders(sessionId: string): string[] {
      return db
        .select({ orderId: reservations.orderId })
        .from(reservations)
        .where(and(eq(reservations.sessionId, sessionId), eq(reservations.status, "PENDING")))
        .all()
        .map((row) => row.orderId);
    },
  };
}
export type InventoryService = ReturnType<typeof inventoryService>;
