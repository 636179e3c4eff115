import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { BusEvent } from "../../bus/events";
import type { Deps } from "../../platform/deps";
import type { Executor } from "../../platform/db";
import { NotFoundError } from "../../platform/errors";
import { statusesLeadingTo } from "./order-status";
import { type OrderJson, type OrderStatus, type PlaceOrderInput, orderToJson } from "./orders.schemas";
import { type OrderRow, orderItems, orders } from "./orders.sql";

/** Records the order and its ORDER_CREATED event in one transaction; the saga starts from there. */
export function placeOrder(deps: Deps, sessionId: string, input: PlaceOrderInput): OrderJson {
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  const sagaId = deps.ids.uuid();
  return deps.bus.transact((tx, emit) => {
    const order = tx
      .insert(orders)
      .values({
        id,
        sessionId,
        sagaId,
        userId: input.userId,
        status: "PENDING",
        paymentBehaviour: input.paymentBehaviour,
        inventoryBehaviour: input.inventoryBehaviour,
        skipDemoDelays: input.skipDemoDelays,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const items = tx
      .insert(orderItems)
      .values(input.items.map((line, lineNo) => ({ sessionId, orderId: id, lineNo, ...line })))
      .returning()
      .all();
    emit({ type: "ORDER_CREATED", sessionId, sagaId, orderId: id, causationId: null, data: { ...input } });
    return orderToJson(order, items);
  });
}

export function findOrder(db: Executor, sessionId: string, orderId: string): OrderJson | undefined {
  const order = db
    .select()
    .from(orders)
    .where(and(eq(orders.sessionId, sessionId), eq(orders.id, orderId)))
    .get();
  if (!order) return undefined;
  const items = db
    .select()
    .from(orderItems)
    .where(and(eq(orderItems.sessionId, sessionId), eq(orderItems.orderId, orderId)))
    .orderBy(asc(orderItems.lineNo))
    .all();
  return orderToJson(order, items);
}

export function getOrder(db: Executor, sessionId: string, orderId: string): OrderJson {
  const order = findOrder(db, sessionId, orderId);
  if (!order) throw new NotFoundError(`Order ${orderId}`);
  return order;
}

/** Newest first. */
export function listOrders(db: Executor, sessionId: string, limit: number): OrderJson[] {
  const rows = db
    .select()
    .from(orders)
    .where(eq(orders.sessionId, sessionId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const items = db
    .select()
    .from(orderItems)
    .where(
      and(
        eq(orderItems.sessionId, sessionId),
        inArray(
          orderItems.orderId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(orderItems.orderId), asc(orderItems.lineNo))
    .all();
  const itemsByOrder = Map.groupBy(items, (item) => item.orderId);
  return rows.map((row) => orderToJson(row, itemsByOrder.get(row.id) ?? []));
}

/**
 * Moves an order to `to` only if the state machine allows it from the status it has now: one
 * conditional UPDATE, so a stale or duplicate event can never move an order backwards.
 * Returns whether the order moved.
 */
export function moveOrder(
  db: Executor,
  event: Pick<BusEvent, "sessionId" | "orderId">,
  to: OrderStatus,
  changes: Partial<Pick<OrderRow, "totalCents" | "errorMessage" | "cancellationSource" | "completedAt" | "updatedAt">>,
): boolean {
  const moved = db
    .update(orders)
    .set({ ...changes, status: to })
    .where(and(eq(orders.sessionId, event.sessionId), eq(orders.id, event.orderId), inArray(orders.status, statusesLeadingTo(to))))
    .returning({ id: orders.id })
    .get();
  return moved !== undefined;
}

/** `POST /orders/reset`: the session's orders and, with them, the saga history on the bus. */
export function resetOrders(deps: Deps, sessionId: string): void {
  deps.bus.transact((tx) => {
    tx.delete(orders).where(eq(orders.sessionId, sessionId)).run();
    deps.bus.forgetSession(tx, sessionId);
  });
}
