import type { Database as SQLite } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { quotedList } from "../../platform/sql-list";

export const shipmentStatuses = ["CREATED", "FAILED", "CANCELLED"] as const;

export const shipments = sqliteTable(
  "shipments",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    status: text("status", { enum: shipmentStatuses }).notNull(),
    // Why it failed, or why it was called back; null while CREATED.
    reason: text("reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    // One shipment per order: a paid order is shipped once, whatever the bus delivers.
    uniqueIndex("shipments_session_order").on(t.sessionId, t.orderId),
    index("shipments_session_created").on(t.sessionId, t.createdAt, t.id),
    check("shipments_status", sql`${t.status} IN (${sql.raw(quotedList(shipmentStatuses))})`),
  ],
);

export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentStatus = ShipmentRow["status"];

type OrderKey = { sessionId: string; orderId: string };

/** The statements every saga with the shipment step runs, prepared once on the connection by the composition root. */
export function shippingStatements(sqlite: SQLite) {
  return {
    shipmentOfOrder: sqlite.prepare<{ id: string; status: ShipmentStatus }, [OrderKey]>(
      "SELECT id, status FROM shipments WHERE session_id = $sessionId AND order_id = $orderId",
    ),
    create: sqlite.prepare<never, [OrderKey & { id: string; status: ShipmentStatus; reason: string | null; now: number }]>(
      `INSERT INTO shipments (id, session_id, order_id, status, reason, created_at, updated_at)
       VALUES ($id, $sessionId, $orderId, $status, $reason, $now, $now)`,
    ),
    /** Moves a shipment on only from the status the decision was taken on. */
    move: sqlite.prepare<
      { id: string },
      [{ sessionId: string; id: string; from: ShipmentStatus; to: ShipmentStatus; reason: string | null; now: number }]
    >(
      `UPDATE shipments SET status = $to, reason = $reason, updated_at = $now
       WHERE session_id = $sessionId AND id = $id AND status = $from RETURNING id`,
    ),
  };
}
export type ShippingStatements = ReturnType<typeof shippingStatements>;
