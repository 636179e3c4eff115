import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../platform/db";
import { type OrderStreamEvent, type OrderView, orderChangeSchema } from "./order-aggregate";
import { type OrderJson, orderToJson } from "./orders.schemas";
import { type OrderItemRow, type OrderRow, orderItems, orders, type StoredOrderEvent } from "./orders.sql";

/**
 * The `orders` and `order_items` rows as a read model of the streams: how a stream's fold
 * becomes rows, and rows a view to compare with one. The hot path projects change by change
 * (orders.store.ts); a rebuild and the legacy upgrade write whole views through here.
 */

type OrderKey = { sessionId: string; orderId: string };

/** The lines of these orders of a session, by order, each order's in line order (one query). */
export function linesOfOrders(db: Database, sessionId: string, orderIds: readonly string[]): Map<string, OrderItemRow[]> {
  return Map.groupBy(
    db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.sessionId, sessionId), inArray(orderItems.orderId, [...orderIds])))
      .orderBy(asc(orderItems.orderId), asc(orderItems.lineNo))
      .all(),
    (line) => line.orderId,
  );
}

/** A stored event read back: the change is parsed by its schema, so a malformed row fails loudly. */
export function parseStoredEvent(row: StoredOrderEvent): OrderStreamEvent {
  const change = orderChangeSchema.parse({ type: row.type, data: JSON.parse(row.data) });
  return { ...change, version: row.version, at: row.at } as OrderStreamEvent;
}

/** What a row (and its lines) shows, in the fold's terms. */
export function rowToView(row: OrderRow, items: readonly Pick<OrderItemRow, "product" | "quantity">[]): OrderView {
  const { id: _id, sessionId: _sessionId, ...columns } = row;
  return { ...columns, items: items.map(({ product, quantity }) => ({ product, quantity })) };
}

/** The wire form of an order as a view shows it (the same JSON the row answers). */
export function viewToJson({ sessionId, orderId }: OrderKey, view: OrderView): OrderJson {
  const { items, ...columns } = view;
  return orderToJson({ id: orderId, sessionId, ...columns }, items);
}

/** Replaces the order's rows with what `view` shows (inside the caller's transaction). */
export function writeView(db: Database, { sessionId, orderId }: OrderKey, view: OrderView): void {
  const { items, ...columns } = view;
  db.delete(orders)
    .where(and(eq(orders.sessionId, sessionId), eq(orders.id, orderId)))
    .run();
  db.insert(orders)
    .values({ id: orderId, sessionId, ...columns })
    .run();
  if (items.length > 0) {
    db.insert(orderItems)
      .values(items.map((line, lineNo) => ({ sessionId, orderId, lineNo, ...line })))
      .run();
  }
}
