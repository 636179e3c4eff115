import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A shopping cart: lines being gathered for one order. It reserves nothing; prices are read when it is read. */
export const carts = sqliteTable(
  "carts",
  {
    sessionId: text("session_id").notNull(),
    id: text("id").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // The last change plus the session's cartTtlMs then: a later change of the setting moves no cart.
    expiresAt: integer("expires_at").notNull(),
    // Counted in carts_abandoned_total (once, when first found expired).
    abandoned: integer("abandoned", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.id] }), index("carts_session_expires").on(t.sessionId, t.expiresAt)],
);

export const cartItems = sqliteTable(
  "cart_items",
  {
    sessionId: text("session_id").notNull(),
    cartId: text("cart_id").notNull(),
    product: text("product").notNull(),
    quantity: integer("quantity").notNull(),
    // The order the lines were first added in: the cart lists (and the order gets) them so.
    lineNo: integer("line_no").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.cartId, t.product] }),
    foreignKey({ columns: [t.sessionId, t.cartId], foreignColumns: [carts.sessionId, carts.id] }).onDelete("cascade"),
    check("cart_items_quantity", sql`${t.quantity} > 0`),
  ],
);

export type CartRow = typeof carts.$inferSelect;
export type CartItemRow = typeof cartItems.$inferSelect;
