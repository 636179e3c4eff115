import { and, eq, inArray, sql } from "drizzle-orm";
import type { ModuleDeps } from "../module-deps";
import { products, reservationLines, reservations } from "./inventory.sql";

/** What the consistency checker reads of inventory: read-only, a session or a slice of its orders at a time. */
export function inventoryAudit(deps: ModuleDeps) {
  const { db } = deps;
  return {
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
export type InventoryAudit = ReturnType<typeof inventoryAudit>;
