import { relations, sql } from "drizzle-orm";
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const products = sqliteTable(
  "products",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    name: text("name").notNull(),
    priceCents: integer("price_cents").notNull(),
    stockLevel: integer("stock_level").notNull(),
    reserved: integer("reserved").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    // The last line of defence against overselling: even a buggy UPDATE cannot break it.
    check("products_reserved_within_stock", sql`0 <= ${t.reserved} AND ${t.reserved} <= ${t.stockLevel}`),
    check("products_price", sql`${t.priceCents} >= 0`),
  ],
);

export const reservations = sqliteTable(
  "reservations",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    status: text("status", { enum: ["PENDING", "CONFIRMED", "RELEASED"] }).notNull(),
    expiresAt: integer("expires_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    // One reservation per order: a redelivered ORDER_CREATED can never reserve twice.
    uniqueIndex("reservations_session_order").on(t.sessionId, t.orderId),
    index("reservations_session_status").on(t.sessionId, t.status),
    check("reservations_status", sql`${t.status} IN ('PENDING','CONFIRMED','RELEASED')`),
  ],
);

export const reservationLines = sqliteTable(
  "reservation_lines",
  {
    sessionId: text("session_id").notNull(),
    reservationId: text("reservation_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    priceCents: integer("price_cents").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.reservationId, t.productId] }),
    foreignKey({ columns: [t.sessionId, t.reservationId], foreignColumns: [reservations.sessionId, reservations.id] }).onDelete("cascade"),
    check("reservation_lines_quantity", sql`${t.quantity} > 0`),
  ],
);

export const reservationsRelations = relations(reservations, ({ many }) => ({ lines: many(reservationLines) }));
export const reservationLinesRelations = relations(reservationLines, ({ one }) => ({
  reservation: one(reservations, {
    fields: [reservationLines.sessionId, reservationLines.reservationId],
    references: [reservations.sessionId, reservations.id],
  }),
}));

export type ProductRow = typeof products.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
export type ReservationLineRow = typeof reservationLines.$inferSelect;
