import type { Database as SQLite } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { quotedList } from "../../platform/sql-list";

export const paymentStatuses = ["PENDING", "SUCCESS", "FAILED", "REFUNDED"] as const;

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: paymentStatuses }).notNull(),
    failureReason: text("failure_reason"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    // One payment per order: a redelivered INVENTORY_RESERVED can never charge twice.
    uniqueIndex("payments_session_order").on(t.sessionId, t.orderId),
    index("payments_session_created").on(t.sessionId, t.createdAt, t.id),
    check("payments_status", sql`${t.status} IN (${sql.raw(quotedList(paymentStatuses))})`),
    check("payments_amount", sql`${t.amountCents} >= 0`),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
export type PaymentStatus = PaymentRow["status"];

const paymentColumns = `id, session_id AS sessionId, order_id AS orderId, amount_cents AS amountCents, status,
  failure_reason AS failureReason, version, created_at AS createdAt, updated_at AS updatedAt`;

type OrderKey = { sessionId: string; orderId: string };

/** The statements every order runs, prepared once on the connection by the composition root. */
export function paymentsStatements(sqlite: SQLite) {
  return {
    paymentOfOrder: sqlite.prepare<PaymentRow, [OrderKey]>(
      `SELECT ${paymentColumns} FROM payments WHERE session_id = $sessionId AND order_id = $orderId`,
    ),
    open: sqlite.prepare<never, [OrderKey & { id: string; amountCents: number; now: number }]>(
      `INSERT INTO payments (id, session_id, order_id, amount_cents, status, created_at, updated_at)
       VALUES ($id, $sessionId, $orderId, $amountCents, 'PENDING', $now, $now)`,
    ),
    /** How many payments a session keeps: a call's charge is refused past the orders quota (each order has at most one). */
    paymentCount: sqlite.prepare<{ count: number }, [{ sessionId: string }]>(
      `SELECT count(*) AS count FROM payments WHERE session_id = $sessionId`,
    ),
    /** Moves a payment on only from the status the decision was taken on. */
    move: sqlite.prepare<
      { id: string },
      [{ sessionId: string; id: string; from: PaymentStatus; to: PaymentStatus; failureReason: string | null; now: number }]
    >(
      `UPDATE payments SET status = $to, failure_reason = $failureReason, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $id AND status = $from RETURNING id`,
    ),
  };
}
export type PaymentsStatements = ReturnType<typeof paymentsStatements>;
