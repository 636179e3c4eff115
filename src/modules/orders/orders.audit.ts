import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { deleteSessionRows, lastChangePerSession } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import type { SessionQuota } from "./orders.quota";
import { type OrderRow, orders } from "./orders.sql";

/** The tables that keep a session's rows, children before the rows they refer to. */
const sessionTables = ["order_items", "orders", "order_events", "idempotency_keys"] as const;

/** What the consistency checker reads of orders (read-only, a slice at a time), and what a session keeps here. */
export function ordersAudit(deps: ModuleDeps, quota: SessionQuota) {
  const { db } = deps;
  return {
    /** The sessions that keep orders (for the consistency checker run over every session). */
    auditSessions(): string[] {
      return db
        .selectDistinct({ sessionId: orders.sessionId })
        .from(orders)
        .all()
        .map((row) => row.sessionId);
    },

    /** A slice of a session's orders for the consistency checker: by id, after `afterId`, at most `limit`. */
    auditOrders(sessionId: string, afterId: string, limit: number): OrderRow[] {
      return db
        .select()
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), gt(orders.id, afterId)))
        .orderBy(asc(orders.id))
        .limit(limit)
        .all();
    },

    /** Which of `orderIds` the session still keeps. */
    existingOrderIds(sessionId: string, orderIds: readonly string[]): string[] {
      if (orderIds.length === 0) return [];
      return db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
        .all()
        .map((row) => row.id);
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => {
      quota.forget(sessionId);
      return deleteSessionRows(db, sessionId, sessionTables);
    },
    sessionTables,
    /** Who keeps rows here and when they last changed (order lines exist only with their order). */
    sessionActivity: () =>
      lastChangePerSession(db, [
        ["orders", "updated_at"],
        ["idempotency_keys", "created_at"],
      ]),
  };
}
