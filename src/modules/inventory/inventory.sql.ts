import type { Database as SQLite } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { check, foreignKey, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { quotedList } from "../../platform/sql-list";
import { stockReturnCauses } from "../saga-terms";

/** A reservation moves PENDING → CONFIRMED or RELEASED, never back. */
export const reservationStatuses = ["PENDING", "CONFIRMED", "RELEASED"] as const;

export const products = sqliteTable(
  "products",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    name: text("name").notNull(),
    priceCents: integer("price_cents").notNull(),
    stockLevel: integer("stock_level").notNull(),
    reserved: integer("reserved").notNull().default(0),
    // Units confirmed for orders that an orders reset has since removed: their reservations are
    // dropped (a session's disk stays bounded), the sale is not, so stock is still conserved.
    soldToResetOrders: integer("sold_to_reset_orders").notNull().default(0),
    // What the last seed made of the product: its stock level then plus the units sold so far,
    // so stock_level + units sold (less units put back) stays equal to it. The live
    // stock_conserved check reads it; null (a row older than the column): not checked.
    seededUnits: integer("seeded_units"),
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
    status: text("status", { enum: reservationStatuses }).notNull(),
    // When a PENDING reservation is released as expired (the session's reservationTtlMs when it was made); null: never.
    expiresAt: integer("expires_at"),
    // Why the stock went back (the INVENTORY_RELEASED event's reason); null unless RELEASED.
    releaseReason: text("release_reason"),
    // Who or what sent the stock back (payment_failed, customer, timeout, operator); null unless RELEASED.
    releaseCause: text("release_cause", { enum: stockReturnCauses }),
    // A CONFIRMED reservation whose units were put back because its completed order was cancelled.
    restockedAt: integer("restocked_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    // One reservation per order: a redelivered ORDER_CREATED can never reserve twice.
    uniqueIndex("reservations_session_order").on(t.sessionId, t.orderId),
    check("reservations_status", sql`${t.status} IN (${sql.raw(quotedList(reservationStatuses))})`),
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

export type ProductRow = typeof products.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
export type ReservationLineRow = typeof reservationLines.$inferSelect;
export type ReservationStatus = ReservationRow["status"];

/**
 * A product's units free to reserve: written once, for the reservation's own guard (a
 * conditional UPDATE) and for every read that answers what is available.
 */
const AVAILABLE = "stock_level - reserved";
/** `stock_level - reserved` in a drizzle select of `products`. */
export const availableUnits = sql<number>`${sql.raw(AVAILABLE)}`;

const reservationColumns = `id, session_id AS sessionId, order_id AS orderId, status, expires_at AS expiresAt,
  release_reason AS releaseReason, release_cause AS releaseCause, restocked_at AS restockedAt, created_at AS createdAt, updated_at AS updatedAt`;

type Key = { sessionId: string };
type LineChange = Key & { product: string; quantity: number; now: number };

/** The statements every order runs, prepared once on the connection by the composition root. */
export function inventoryStatements(sqlite: SQLite) {
  // Both settle a held line: CONFIRMED also takes the units out of stock_level, RELEASED only un-reserves them.
  const settleLine = (stockChange: string) =>
    sqlite.prepare<{ id: string }, [LineChange]>(
      `UPDATE products SET reserved = reserved - $quantity, ${stockChange} version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product AND reserved >= $quantity RETURNING id`,
    );
  return {
    /** The reservation itself: one conditional UPDATE, never a read followed by a write. */
    reserveLine: sqlite.prepare<{ priceCents: number }, [LineChange]>(
      `UPDATE products SET reserved = reserved + $quantity, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product AND ${AVAILABLE} >= $quantity RETURNING price_cents AS priceCents`,
    ),
    insertReservation: sqlite.prepare<never, [Key & { id: string; orderId: string; expiresAt: number | null; now: number }]>(
      `INSERT INTO reservations (id, session_id, order_id, status, expires_at, created_at, updated_at)
       VALUES ($id, $sessionId, $orderId, 'PENDING', $expiresAt, $now, $now)`,
    ),
    /** An order cancelled before its stock was reserved: an empty reservation, RELEASED from the start. */
    insertClosedReservation: sqlite.prepare<
      never,
      [Key & { id: string; orderId: string; releaseReason: string; releaseCause: string; now: number }]
    >(
      `INSERT INTO reservations (id, session_id, order_id, status, release_reason, release_cause, created_at, updated_at)
       VALUES ($id, $sessionId, $orderId, 'RELEASED', $releaseReason, $releaseCause, $now, $now)`,
    ),
    /** Units of a cancelled completed order back on the shelf (a product removed from the catalog since takes nothing back). */
    restockLine: sqlite.prepare<never, [LineChange]>(
      `UPDATE products SET stock_level = stock_level + $quantity, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product`,
    ),
    markRestocked: sqlite.prepare<{ id: string }, [Key & { id: string; now: number }]>(
      `UPDATE reservations SET restocked_at = $now, updated_at = $now
       WHERE session_id = $sessionId AND id = $id AND status = 'CONFIRMED' AND restocked_at IS NULL RETURNING id`,
    ),
    insertReservationLine: sqlite.prepare<never, [Key & { reservationId: string; product: string; quantity: number; priceCents: number }]>(
      `INSERT INTO reservation_lines (session_id, reservation_id, product_id, quantity, price_cents)
       VALUES ($sessionId, $reservationId, $product, $quantity, $priceCents)`,
    ),
    reservationOfOrder: sqlite.prepare<ReservationRow, [Key & { orderId: string }]>(
      `SELECT ${reservationColumns} FROM reservations WHERE session_id = $sessionId AND order_id = $orderId`,
    ),
    /** How many reservations a session keeps: a call's reserve is refused past the orders quota (each order has at most one). */
    reservationCount: sqlite.prepare<{ count: number }, [Key]>(`SELECT count(*) AS count FROM reservations WHERE session_id = $sessionId`),
    /** A reservation by its own id (the RPC's CommitReservation and CancelReservation name it so). */
    reservationById: sqlite.prepare<ReservationRow, [Key & { id: string }]>(
      `SELECT ${reservationColumns} FROM reservations WHERE session_id = $sessionId AND id = $id`,
    ),
    reservationLines: sqlite.prepare<{ product: string; quantity: number; priceCents: number }, [Key & { reservationId: string }]>(
      `SELECT product_id AS product, quantity, price_cents AS priceCents FROM reservation_lines
       WHERE session_id = $sessionId AND reservation_id = $reservationId ORDER BY product_id`,
    ),
    settleLine: { CONFIRMED: settleLine("stock_level = stock_level - $quantity,"), RELEASED: settleLine("") },
    settleReservation: sqlite.prepare<
      { id: string },
      [Key & { id: string; status: ReservationStatus; releaseReason: string | null; releaseCause: string | null; now: number }]
    >(
      `UPDATE reservations SET status = $status, release_reason = $releaseReason, release_cause = $releaseCause, updated_at = $now
       WHERE session_id = $sessionId AND id = $id AND status = 'PENDING' RETURNING id`,
    ),
  };
}
export type InventoryStatements = ReturnType<typeof inventoryStatements>;
