import type { Database as SQLite } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { quotedList } from "../../platform/sql-list";
import { behaviours, cancellationSources, requestedCancellations, sagaStyles } from "../saga-terms";
import { orderStatuses } from "./order-status";

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    sagaId: text("saga_id").notNull(),
    userId: text("user_id"),
    status: text("status", { enum: orderStatuses }).notNull(),
    paymentBehaviour: text("payment_behaviour", { enum: behaviours }).notNull(),
    inventoryBehaviour: text("inventory_behaviour", { enum: behaviours }).notNull(),
    skipDemoDelays: integer("skip_demo_delays", { mode: "boolean" }).notNull(),
    // The saga style the order was placed with; orders placed before styles existed were choreographed.
    sagaStyle: text("saga_style", { enum: sagaStyles }).notNull().default("choreography"),
    // The order's shipment step, kept from when it was placed: what it asked of shipping; null: no step.
    shippingBehaviour: text("shipping_behaviour", { enum: behaviours }),
    // Priced by inventory when it reserves the stock: orders never read the catalog.
    totalCents: integer("total_cents").notNull().default(0),
    errorMessage: text("error_message"),
    cancellationSource: text("cancellation_source", { enum: cancellationSources }),
    // Who asked for the saga to be undone (customer, timeout, operator), recorded once; the
    // order becomes CANCELLED when inventory has handed back or put back its stock.
    cancellationRequestedBy: text("cancellation_requested_by", { enum: requestedCancellations }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
    // The version of the order's stream this row shows (order_events). 0: an order written before
    // streams existed, not versioned yet (done once at start-up, orders.upgrade.ts).
    version: integer("version").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    index("orders_session_created").on(t.sessionId, t.createdAt, t.id),
    index("orders_unversioned").on(t.sessionId).where(sql`${t.version} = 0`),
    check("orders_status", sql`${t.status} IN (${sql.raw(quotedList(orderStatuses))})`),
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

/**
 * Each order's stream: the changes recorded for it, numbered 1, 2, 3 … (order-aggregate.ts).
 * The primary key is the optimistic-concurrency guard: two writers that decided on the same
 * version cannot both append the next one. Appended in the same transaction as the row it
 * projects onto, and dropped with it (an orders reset, a session wipe).
 */
export const orderEvents = sqliteTable(
  "order_events",
  {
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    version: integer("version").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.orderId, t.version] }), check("order_events_version", sql`${t.version} > 0`)],
);

/**
 * `Idempotency-Key` on `POST /orders`, per session: the key, a hash of the validated body and
 * the order it created. The same key and body within 24 h answers that order again; the same
 * key with another body is refused. Written in the same savepoint as the order.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    sessionId: text("session_id").notNull(),
    key: text("key").notNull(),
    bodyHash: text("body_hash").notNull(),
    orderId: text("order_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.key] }), index("idempotency_keys_session_created").on(t.sessionId, t.createdAt)],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;

/** `orders` as the raw statements read it: SQLite stores the boolean as 0/1. */
type StoredOrderRow = Omit<OrderRow, "skipDemoDelays"> & { skipDemoDelays: number };
const orderColumns = `id, session_id AS sessionId, saga_id AS sagaId, user_id AS userId, status,
  payment_behaviour AS paymentBehaviour, inventory_behaviour AS inventoryBehaviour, skip_demo_delays AS skipDemoDelays,
  saga_style AS sagaStyle, shipping_behaviour AS shippingBehaviour,
  total_cents AS totalCents, error_message AS errorMessage, cancellation_source AS cancellationSource,
  cancellation_requested_by AS cancellationRequestedBy,
  created_at AS createdAt, updated_at AS updatedAt, completed_at AS completedAt, version`;
const itemColumns = "session_id AS sessionId, order_id AS orderId, line_no AS lineNo, product, quantity";

export const fromStoredOrder = (row: StoredOrderRow): OrderRow => ({ ...row, skipDemoDelays: row.skipDemoDelays === 1 });

/**
 * The projection of one recorded change onto the row: it applies only to the row at the version
 * the change was decided on (the row moves to the next), so a stale writer moves nothing.
 */
const projected = (set: string) =>
  `UPDATE orders SET ${set}, updated_at = $now, version = $version
   WHERE session_id = $sessionId AND id = $orderId AND version = $version - 1 RETURNING id`;

type OrderKey = { sessionId: string; orderId: string };
type Projection<P = object> = OrderKey & P & { version: number; now: number };
export type StoredOrderEvent = { version: number; type: string; data: string; at: number };

/** The statements every order runs, prepared once on the connection by the composition root. */
export function ordersStatements(sqlite: SQLite) {
  return {
    insertOrder: sqlite.prepare<
      StoredOrderRow,
      [
        OrderKey & {
          sagaId: string;
          userId: string | null;
          paymentBehaviour: string;
          inventoryBehaviour: string;
          skipDemoDelays: number;
          sagaStyle: string;
          shippingBehaviour: string | null;
          now: number;
        },
      ]
    >(
      `INSERT INTO orders (id, session_id, saga_id, user_id, status, payment_behaviour, inventory_behaviour, skip_demo_delays, saga_style, shipping_behaviour, created_at, updated_at, version)
       VALUES ($orderId, $sessionId, $sagaId, $userId, 'PENDING', $paymentBehaviour, $inventoryBehaviour, $skipDemoDelays, $sagaStyle, $shippingBehaviour, $now, $now, 1)
       RETURNING ${orderColumns}`,
    ),
    insertItem: sqlite.prepare<OrderItemRow, [OrderKey & { lineNo: number; product: string; quantity: number }]>(
      `INSERT INTO order_items (session_id, order_id, line_no, product, quantity) VALUES ($sessionId, $orderId, $lineNo, $product, $quantity)
       RETURNING ${itemColumns}`,
    ),
    order: sqlite.prepare<StoredOrderRow, [OrderKey]>(`SELECT ${orderColumns} FROM orders WHERE session_id = $sessionId AND id = $orderId`),
    items: sqlite.prepare<OrderItemRow, [OrderKey]>(
      `SELECT ${itemColumns} FROM order_items WHERE session_id = $sessionId AND order_id = $orderId ORDER BY line_no`,
    ),
    projectProcessingStarted: sqlite.prepare<{ id: string }, [Projection<{ totalCents: number }>]>(
      projected("status = 'PROCESSING', total_cents = $totalCents"),
    ),
    projectCompleted: sqlite.prepare<{ id: string }, [Projection<{ totalCents: number }>]>(
      projected("status = 'COMPLETED', total_cents = $totalCents, completed_at = $now"),
    ),
    projectCancellationRequested: sqlite.prepare<{ id: string }, [Projection<{ cancellationSource: string }>]>(
      projected("cancellation_requested_by = $cancellationSource"),
    ),
    projectCancelled: sqlite.prepare<{ id: string }, [Projection<{ cancellationSource: string; errorMessage: string }>]>(
      projected("status = 'CANCELLED', cancellation_source = $cancellationSource, error_message = $errorMessage, completed_at = $now"),
    ),
    /** Fails on the primary key when the version is taken: the stream moved since the decision. */
    appendEvent: sqlite.prepare<never, [OrderKey & StoredOrderEvent]>(
      "INSERT INTO order_events (session_id, order_id, version, type, data, at) VALUES ($sessionId, $orderId, $version, $type, $data, $at)",
    ),
    /** The order's stream up to `upTo`, in version order. */
    stream: sqlite.prepare<StoredOrderEvent, [OrderKey & { upTo: number }]>(
      `SELECT version, type, data, at FROM order_events
       WHERE session_id = $sessionId AND order_id = $orderId AND version <= $upTo ORDER BY version`,
    ),
    idempotencyKey: sqlite.prepare<{ bodyHash: string; orderId: string; createdAt: number }, [{ sessionId: string; key: string }]>(
      `SELECT body_hash AS bodyHash, order_id AS orderId, created_at AS createdAt FROM idempotency_keys
       WHERE session_id = $sessionId AND key = $key`,
    ),
    /** Also replaces an expired key of the same name. */
    rememberIdempotencyKey: sqlite.prepare<never, [{ sessionId: string; key: string; bodyHash: string; orderId: string; now: number }]>(
      `INSERT OR REPLACE INTO idempotency_keys (session_id, key, body_hash, order_id, created_at)
       VALUES ($sessionId, $key, $bodyHash, $orderId, $now)`,
    ),
    forgetExpiredIdempotencyKeys: sqlite.prepare<never, [{ sessionId: string; before: number }]>(
      "DELETE FROM idempotency_keys WHERE session_id = $sessionId AND created_at < $before",
    ),
    /** Every order id of a session (what `POST /orders/reset` will reset). */
    sessionOrderIds: sqlite.prepare<{ id: string }, [{ sessionId: string }]>("SELECT id FROM orders WHERE session_id = $sessionId"),
    /** What a session keeps, for its quotas. */
    sessionUsage: sqlite.prepare<{ orders: number; lines: number }, [{ sessionId: string }]>(
      `SELECT (SELECT count(*) FROM orders WHERE session_id = $sessionId) AS orders,
              (SELECT count(*) FROM order_items WHERE session_id = $sessionId) AS lines`,
    ),
  };
}
export type OrdersStatements = ReturnType<typeof ordersStatements>;
