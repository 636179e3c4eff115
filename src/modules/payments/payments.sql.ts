import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: ["PENDING", "SUCCESS", "FAILED", "REFUNDED"] }).notNull(),
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
    check("payments_status", sql`${t.status} IN ('PENDING','SUCCESS','FAILED','REFUNDED')`),
    check("payments_amount", sql`${t.amountCents} >= 0`),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
