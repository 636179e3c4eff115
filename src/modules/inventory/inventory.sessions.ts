import { and, eq, inArray } from "drizzle-orm";
import { deleteSessionRows, lastChangePerSession } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import { reservations } from "./inventory.sql";
import type { InventoryStore } from "./inventory.store";

/** The tables that keep a session's rows, children before the rows they refer to. */
const sessionTables = ["reservation_lines", "reservations", "products"] as const;

/** What a session keeps here, and forgetting it: a wipe (`DELETE /session`), the idle purge, the leftovers of an orders reset. */
export function inventorySessions(deps: ModuleDeps, store: InventoryStore) {
  const { db } = deps;
  return {
    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,

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
      store.countAsSold(
        sessionId,
        settled.filter((r) => r.status === "CONFIRMED" && r.restockedAt === null).map((r) => r.id),
      );
      store.drop(
        sessionId,
        settled.map((r) => r.id),
      );
    },
  };
}
