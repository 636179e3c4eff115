import { relations, sql } from "drizzle-orm";
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    sagaId: text("saga_id").notNull(),
    userId: text("user_id"),
    status: text("status", { enum: ["PENDING", "PROCESSING", "COMPLETED", "CANCELLED"] }).notNull(),
    paymentBehaviour: text("payment_behaviour", { enum: ["success", "failure", "random"] }).notNull(),
    inventoryBehaviour: text("inventory_behaviour", { enum: ["success", "failure", "random"] }).notNull(),
    skipDemoDelays: integer("skip_demo_delays", { mode: "boolean" }).notNull(),
    // Priced by inventory when it reserves the stock: orders never read the catalog.
    totalCents: integer("total_cents").notNull().default(0),
    errorMessage: text("error_message"),
    cancellationSource: text("cancellation_source", {
      enum: ["inventory_depleted", "payment_failed", "timeout", "customer", "operator"],
    }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    index("orders_session_created").on(t.sessionId, t.createdAt, t.id),
    check("orders_status", sql`${t.status} IN ('PENDING','PROCESSING','COMPLETED','CANCELLED')`),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    product: text("product").notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.orderId, t.lineNo] }),
    foreignKey({ columns: [t.sessionId, t.orderId], foreignColumns: [orders.sessionId, orders.id] }).onDelete("cascade"),
    check("order_items_quantity", sql`${t.quantity} > 0`),
  ],
);

export const ordersRelations = relations(orders, ({ many }) => ({ items: many(orderItems) }));
export const orderItemsRelations = relations(orderItems, ({ one }) => ({
  order: one(orders, { fields: [orderItems.sessionId, orderItems.orderId], references: [orders.sessionId, orders.id] }),
}));

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
