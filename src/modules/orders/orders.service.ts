import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { events } from "../../bus/bus.sql";
import type { BusEvent } from "../../bus/events";
import type { Deps } from "../../platform/deps";
import type { Executor } from "../../platform/db";
import { NotFoundError } from "../../platform/errors";
import { perConnection } from "../../platform/prepared";
import { statusesLeadingTo } from "./order-status";
import { type OrderJson, type OrderStatus, type PlaceOrderInput, orderToJson } from "./orders.schemas";
import { type OrderItemRow, type OrderRow, orderItems, orders } from "./orders.sql";

const p = sql.placeholder;

/** The queries every order runs, compiled once per connection (see platform/prepared.ts). */
const statements = perConnection((db) => ({
  insertOrder: db
    .insert(orders)
    .values({
      id: p("id"),
      sessionId: p("sessionId"),
      sagaId: p("sagaId"),
      userId: p("userId"),
      status: "PENDING",
      paymentBehaviour: p("paymentBehaviour"),
      inventoryBehaviour: p("inventoryBehaviour"),
      skipDemoDelays: p("skipDemoDelays"),
      createdAt: p("now"),
      updatedAt: p("now"),
    })
    .returning()
    .prepare(),
  insertItem: db
    .insert(orderItems)
    .values({ sessionId: p("sessionId"), orderId: p("orderId"), lineNo: p("lineNo"), product: p("product"), quantity: p("quantity") })
    .returning()
    .prepare(),
  order: db
    .select()
    .from(orders)
    .where(and(eq(orders.sessionId, p("sessionId")), eq(orders.id, p("orderId"))))
    .prepare(),
  items: db
    .select()
    .from(orderItems)
    .where(and(eq(orderItems.sessionId, p("sessionId")), eq(orderItems.orderId, p("orderId"))))
    .orderBy(asc(orderItems.lineNo))
    .prepare(),
  /** One conditional UPDATE per (target status, columns changed), built on first use. */
  moves: new Map<string, { get: (values: Record<string, unknown>) => unknown }>(),
}));

/** Records the order and its ORDER_CREATED event in one transaction; the saga starts from there. */
export function placeOrder(deps: Deps, sessionId: string, input: PlaceOrderInput): Promise<OrderJson> {
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  const sagaId = deps.ids.uuid();
  // Committed together with the other orders placed in this turn of the event loop (see Bus.transactTogether).
  return deps.bus.transactTogether((tx, emit) => {
    const prepared = statements(tx);
    const order = prepared.insertOrder.get({
      id,
      sessionId,
      sagaId,
      userId: input.userId,
      paymentBehaviour: input.paymentBehaviour,
      inventoryBehaviour: input.inventoryBehaviour,
      skipDemoDelays: input.skipDemoDelays,
      now,
    }) as OrderRow;
    const items = input.items.map((line, lineNo) => prepared.insertItem.get({ sessionId, orderId: id, lineNo, ...line }) as OrderItemRow);
    emit({ type: "ORDER_CREATED", sessionId, sagaId, orderId: id, causationId: null, data: { ...input } });
    return orderToJson(order, items);
  });
}

export function findOrder(db: Executor, sessionId: string, orderId: string): OrderJson | undefined {
  const prepared = statements(db);
  const order = prepared.order.get({ sessionId, orderId });
  if (!order) return undefined;
  return orderToJson(order, prepared.items.all({ sessionId, orderId }));
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
  // Only the columns given change (as drizzle's set() skips undefined): part of the statement's shape.
  const columns = (Object.keys(changes) as (keyof typeof changes)[]).filter((key) => changes[key] !== undefined);
  const { moves } = statements(db);
  const shape = `${to}:${columns.join(",")}`;
  let move = moves.get(shape);
  if (!move) {
    move = db
      .update(orders)
      .set({ ...Object.fromEntries(columns.map((column) => [column, p(column)])), status: to })
      .where(and(eq(orders.sessionId, p("sessionId")), eq(orders.id, p("orderId")), inArray(orders.status, statusesLeadingTo(to))))
      .returning({ id: orders.id })
      .prepare();
    moves.set(shape, move);
  }
  return move.get({ ...changes, sessionId: event.sessionId, orderId: event.orderId }) !== undefined;
}

/**
 * `POST /orders/reset`: the session's orders and, with them, the saga history on the bus.
 * Dropping the events also drops their scheduled deliveries, so a saga in flight would never
 * finish and the stock or money it holds would stay held forever. Each saga that may hold
 * something (it got as far as INVENTORY_RESERVED) is therefore cancelled in the same
 * transaction: an ORDER_CANCELLED (operator) is emitted after the history is gone, inventory
 * releases what it still holds and payments void or refund the charge. A saga still waiting
 * for inventory holds nothing: dropping its ORDER_CREATED ends it, and leaves no event behind.
 */
export function resetOrders(deps: Deps, sessionId: string): void {
  deps.bus.transact((tx, emit) => {
    const sessionOrders = tx.select({ id: orders.id, status: orders.status }).from(orders).where(eq(orders.sessionId, sessionId)).all();
    const known = new Set(sessionOrders.map((o) => o.id));
    const inFlight = new Set(sessionOrders.filter((o) => o.status !== "COMPLETED" && o.status !== "CANCELLED").map((o) => o.id));
    // An order already gone whose deliveries are still scheduled: an earlier reset's compensation on its way.
    for (const orderId of deps.bus.ordersWithScheduledDeliveries(tx, sessionId)) if (!known.has(orderId)) inFlight.add(orderId);
    const holding =
      inFlight.size === 0
        ? []
        : tx
            .selectDistinct({ orderId: events.orderId, sagaId: events.sagaId })
            .from(events)
            .where(
              and(
                eq(events.sessionId, sessionId),
                inArray(events.orderId, [...inFlight]),
                inArray(events.type, ["INVENTORY_RESERVED", "ORDER_CANCELLED"]),
              ),
            )
            .all();
    tx.delete(orders).where(eq(orders.sessionId, sessionId)).run();
    deps.bus.forgetSession(tx, sessionId);
    for (const { orderId, sagaId } of holding) {
      emit({
        type: "ORDER_CANCELLED",
        sessionId,
        sagaId,
        orderId,
        causationId: null,
        data: { cancellationSource: "operator", reason: "Orders were reset while the saga was in flight" },
      });
    }
  });
}
