import { and, asc, count, desc, eq, inArray, sum } from "drizzle-orm";
import type { Database } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import type { OrderLine } from "../saga-terms";
import { reservationToJson } from "./inventory.schemas";
import { availableUnits, products, reservationLines, reservations } from "./inventory.sql";
import { mergeLines } from "./reservation-rules";

/** Per product of these, the units free to reserve now; a product the session has not is absent. */
export function availableOf(db: Database, sessionId: string, productIds: readonly string[]): Map<string, number> {
  return new Map(
    db
      .select({ id: products.id, available: availableUnits })
      .from(products)
      .where(and(eq(products.sessionId, sessionId), inArray(products.id, [...productIds])))
      .all()
      .map((p) => [p.id, p.available]),
  );
}

/** What the API and the dashboard read of inventory besides the catalog: totals, availability, reservations. */
export function inventoryQueries(deps: ModuleDeps) {
  const { db } = deps;
  return {
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
     * `POST /inventory/check` (seed 002's CheckAvailability): whether each product could be
     * reserved now, by the reservation's own rule (lines of one product added up; an unknown
     * product has nothing available). Reserves nothing; the answer can be stale a moment later.
     */
    checkAvailability(sessionId: string, lines: readonly OrderLine[]) {
      const merged = mergeLines(lines);
      const available = availableOf(
        db,
        sessionId,
        merged.map((line) => line.product),
      );
      const items = merged.map(({ product, quantity }) => {
        const now = available.get(product) ?? 0;
        return { product, requested: quantity, available: now, isAvailable: now >= quantity };
      });
      return { allAvailable: items.every((item) => item.isAvailable), items };
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
  };
}
export type InventoryQueries = ReturnType<typeof inventoryQueries>;
