import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { pastPosition } from "../../platform/paging";

import type { Emit } from "../../bus/bus";
import { deleteSessionRows, lastChangePerSession } from "../../platform/db";
import { giveWay } from "../../platform/give-way";
import { IdempotencyKeyReusedError, InvalidStateError, NotFoundError, QuotaExceededError } from "../../platform/errors";
import type { SagaPayload } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { RequestedCancellation } from "../saga-terms";
import { isFinal } from "./order-status";
import { onOrdersReset, requestCancellation } from "./orders.decide";
import type { OrderDecisions } from "./orders.reactions";
import { type OrderJson, type PlaceOrderInput, orderToJson } from "./orders.schemas";
import { type OrderRow, type OrdersStatements, fromStoredOrder, idempotencyKeys, orderItems, orders } from "./orders.sql";

/** A page of orders holds at most this many order lines in all (about 2.5 MB of JSON at most). */
export const MAX_LINES_PER_PAGE = 10_000;
/** Where a page of orders ends: [createdAt, id] of its last (oldest) order. */
export type OrderPosition = readonly [number, string];

/** Orders reset per transaction by `POST /orders/reset` (a slice of 5,000 lines' orders takes a few ms). */
export const RESET_SLICE = 250;

/** How long an Idempotency-Key answers its first order again. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The tables that keep a session's rows, children before the rows they refer to. */
const sessionTables = ["order_items", "orders", "idempotency_keys"] as const;

/** Orders' commands and queries; the routes, the dashboard (through index.ts) and the tests call these. */
/** What the composition root may add to orders' commands without orders knowing the other modules. */
export interface OrdersHooks {
  /** After `POST /orders/reset` has dropped the orders: the other modules drop their own rows of them. */
  afterReset?: (sessionId: string) => Promise<unknown>;
}

export function ordersService(deps: ModuleDeps, statements: OrdersStatements, decisions: OrderDecisions, hooks: OrdersHooks = {}) {
  const { db, bus } = deps;

  function findOrder(sessionId: string, orderId: string): OrderJson | undefined {
    const order = statements.order.get({ sessionId, orderId });
    if (!order) return undefined;
    return orderToJson(fromStoredOrder(order), statements.items.all({ sessionId, orderId }));
  }

  function getOrder(sessionId: string, orderId: string): OrderJson {
    const order = findOrder(sessionId, orderId);
    if (!order) throw new NotFoundError(`Order ${orderId}`);
    return order;
  }

  /**
   * Newest first, after `after` (the last order of the previous page), at most `limit` orders
   * and at most MAX_LINES_PER_PAGE lines in all, so no answer grows with the session: a page of
   * 1,000 orders of 100 lines each would be tens of megabytes.
   */
  function listOrdersPage(sessionId: string, limit: number, after?: OrderPosition): { orders: OrderJson[]; next?: OrderPosition } {
    const rows = db
      .select()
      .from(orders)
      .where(and(eq(orders.sessionId, sessionId), pastPosition(orders.createdAt, orders.id, after, "desc")))
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(limit + 1)
      .all();
    if (rows.length === 0) return { orders: [] };
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
    const page: OrderJson[] = [];
    let lines = 0;
    for (const row of rows.slice(0, limit)) {
      const own = itemsByOrder.get(row.id) ?? [];
      if (page.length > 0 && lines + own.length > MAX_LINES_PER_PAGE) break;
      lines += own.length;
      page.push(orderToJson(row, own));
    }
    const last = page.at(-1);
    const more = page.length < rows.length;
    return { orders: page, next: more && last ? [Date.parse(last.createdAt), last.id] : undefined };
  }

  /**
   * A session's orders and lines, kept in memory once counted (one count per session, not one
   * per order), moved with each order placed and forgotten on a reset or a wipe. The count is
   * taken inside the order's own savepoint, so concurrent orders see each other.
   */
  const usage = new Map<string, { orders: number; lines: number }>();
  function withinQuota(sessionId: string, lines: number): void {
    const used = usage.get(sessionId) ?? statements.sessionUsage.get({ sessionId }) ?? { orders: 0, lines: 0 };
    const { maxOrdersPerSession, maxOrderLinesPerSession } = deps.config;
    if (used.orders + 1 > maxOrdersPerSession) {
      throw new QuotaExceededError(
        `This session keeps ${used.orders} orders, its quota (${maxOrdersPerSession}); POST /orders/reset or DELETE /session first`,
      );
    }
    if (used.lines + lines > maxOrderLinesPerSession) {
      throw new QuotaExceededError(
        `This order's ${lines} lines would take the session past its quota of ${maxOrderLinesPerSession} order lines (it keeps ${used.lines}); POST /orders/reset or DELETE /session first`,
      );
    }
    usage.set(sessionId, { orders: used.orders + 1, lines: used.lines + lines });
  }

  /** Inside the caller's savepoint: the order, its lines and its ORDER_CREATED. */
  function insertOrder(sessionId: string, input: PlaceOrderInput, emit: Emit<SagaPayload>): OrderJson {
    withinQuota(sessionId, input.items.length);
    try {
      return insertCounted(sessionId, input, emit);
    } catch (error) {
      usage.delete(sessionId); // rolled back: counted again on the next order
      throw error;
    }
  }

  function insertCounted(sessionId: string, input: PlaceOrderInput, emit: Emit<SagaPayload>): OrderJson {
    const now = deps.clock.now();
    const orderId = deps.ids.uuid();
    const sagaId = deps.ids.uuid();
    const order = statements.insertOrder.get({
      orderId,
      sessionId,
      sagaId,
      userId: input.userId,
      paymentBehaviour: input.paymentBehaviour,
      inventoryBehaviour: input.inventoryBehaviour,
      skipDemoDelays: input.skipDemoDelays ? 1 : 0,
      now,
    });
    if (!order) throw new Error("INSERT … RETURNING answered no row");
    const items = input.items.map((line, lineNo) => {
      const item = statements.insertItem.get({ sessionId, orderId, lineNo, ...line });
      if (!item) throw new Error("INSERT … RETURNING answered no row");
      return item;
    });
    emit({ type: "ORDER_CREATED", sessionId, sagaId, orderId, causationId: null, data: { ...input } });
    return orderToJson(fromStoredOrder(order), items);
  }

  /** One slice of `POST /orders/reset`: these orders and their sagas' history gone, what their dropped work would have given back asked for again. */
  function resetSlice(sessionId: string, orderIds: readonly string[]): void {
    bus.transact((emit) => {
      const present = new Map(
        db
          .select({
            id: orders.id,
            sagaId: orders.sagaId,
            status: orders.status,
            cancellationRequestedBy: orders.cancellationRequestedBy,
            cancellationSource: orders.cancellationSource,
          })
          .from(orders)
          .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
          .all()
          .map((order) => [order.id, order]),
      );
      // An order already gone keeps only what an earlier reset emitted for it, and its follow-ups.
      const holding = new Map(
        bus.queries.sagasThatEmitted(sessionId, orderIds, ["INVENTORY_RESERVED", "ORDER_CANCELLED"]).map((s) => [s.orderId, s.sagaId]),
      );
      const withWork = new Set(bus.queries.ordersWithPendingWork(sessionId, orderIds));
      const compensations = orderIds.flatMap((orderId) => {
        const order = present.get(orderId);
        const outcomes = onOrdersReset({ order, mayHold: holding.has(orderId), pendingWork: withWork.has(orderId) });
        const sagaId = order?.sagaId ?? holding.get(orderId);
        return sagaId === undefined ? [] : outcomes.flatMap((o) => (o.type === "emit" ? [{ orderId, sagaId, event: o.event }] : []));
      });
      db.delete(orders)
        .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
        .run();
      bus.forgetOrders(sessionId, orderIds);
      // After the history is gone: these are the first events of what is left of each saga.
      for (const { orderId, sagaId, event } of compensations) emit({ ...event, sessionId, sagaId, orderId, causationId: null });
    });
  }

  return {
    findOrder,
    getOrder,

    /** The order whose saga is `sagaId`, in this session only. */
    findOrderBySaga(sessionId: string, sagaId: string): OrderJson | undefined {
      const row = db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), eq(orders.sagaId, sagaId)))
        .get();
      return row ? findOrder(sessionId, row.id) : undefined;
    },

    /** Records the order and its ORDER_CREATED event in one transaction; the saga starts from there. */
    placeOrder(sessionId: string, input: PlaceOrderInput): Promise<OrderJson> {
      // Committed together with the other orders placed in this turn of the event loop (see Bus.transactTogether).
      return bus.transactTogether((emit) => insertOrder(sessionId, input, emit));
    },

    /**
     * `POST /orders` with `Idempotency-Key`: the same key and body within 24 h answer the order
     * the first request created (`replayed`), and create nothing; the same key with another body
     * is refused (422). The key is looked up and written in the order's own savepoint, and
     * concurrent requests commit one after another, so two requests with one key make one order.
     */
    placeOrderOnce(sessionId: string, input: PlaceOrderInput, key: string): Promise<{ order: OrderJson; replayed: boolean }> {
      const bodyHash = createHash("sha256").update(JSON.stringify(input)).digest("hex");
      return bus.transactTogether((emit) => {
        const now = deps.clock.now();
        const known = statements.idempotencyKey.get({ sessionId, key });
        if (known && known.createdAt > now - IDEMPOTENCY_KEY_TTL_MS) {
          if (known.bodyHash !== bodyHash) throw new IdempotencyKeyReusedError();
          const first = findOrder(sessionId, known.orderId);
          if (first) return { order: first, replayed: true };
        }
        statements.forgetExpiredIdempotencyKeys.run({ sessionId, before: now - IDEMPOTENCY_KEY_TTL_MS });
        const order = insertOrder(sessionId, input, emit);
        statements.rememberIdempotencyKey.run({ sessionId, key, bodyHash, orderId: order.id, now });
        return { order, replayed: false };
      });
    },

    /**
     * Asks for the saga to be undone (`POST /orders/:id/cancel`, an operator's compensation):
     * recorded on the order and announced (ORDER_CANCELLATION_REQUESTED) in one transaction.
     * Inventory then hands back or puts back the stock and the order is cancelled; payments
     * refunds what was taken. Already cancelled: 409. Asked already: the order as it is.
     */
    requestCancellation(sessionId: string, orderId: string, source: RequestedCancellation, reason: string): OrderJson {
      return bus.transact((emit) => {
        const row = statements.order.get({ sessionId, orderId });
        if (!row) throw new NotFoundError(`Order ${orderId}`);
        const outcomes = requestCancellation(decisions.stateOf(sessionId, orderId), source, reason);
        const refused = outcomes.find((outcome) => outcome.type === "refuse");
        if (refused) throw new InvalidStateError(refused.reason);
        decisions.carryOut(sessionId, orderId, outcomes, {
          now: deps.clock.now(),
          emit: (payload) => emit({ ...payload, sessionId, sagaId: row.sagaId, orderId, causationId: null }),
        });
        return getOrder(sessionId, orderId);
      });
    },

    /** `POST /orders/:id/cancel?wait=ms`: the order once it is CANCELLED, or as it is after `waitMs`. */
    async waitForCancellation(order: OrderJson, waitMs: number, signal: AbortSignal): Promise<OrderJson> {
      if (order.status === "CANCELLED" || waitMs === 0) return order;
      await deps.waiters.waitForOrder(order.sessionId, order.id, ["ORDER_CANCELLED"], waitMs, signal);
      return getOrder(order.sessionId, order.id);
    },

    /** Newest first (the dashboard, the saga admin): at most `limit`. */
    listOrders(sessionId: string, limit: number): OrderJson[] {
      return listOrdersPage(sessionId, limit).orders;
    },

    /** `GET /orders`: a page, newest first, and where the next one starts. */
    listOrdersPage,

    /** The newest `limit` orders, without their lines: what a saga overview needs. */
    recentOrders(sessionId: string, limit: number): OrderRow[] {
      return db
        .select()
        .from(orders)
        .where(eq(orders.sessionId, sessionId))
        .orderBy(desc(orders.createdAt), desc(orders.id))
        .limit(limit)
        .all();
    },

    /** Per session with orders (or just the one asked for): how many, by status, and when one last changed (the teacher's overview). */
    sessionSummaries(sessionId?: string) {
      return db
        .select({
          sessionId: orders.sessionId,
          orders: sql<number>`count(*)`,
          completed: sql<number>`sum(${orders.status} = 'COMPLETED')`,
          cancelled: sql<number>`sum(${orders.status} = 'CANCELLED')`,
          lastActivity: sql<number>`max(${orders.updatedAt})`,
        })
        .from(orders)
        .where(sessionId === undefined ? undefined : eq(orders.sessionId, sessionId))
        .groupBy(orders.sessionId)
        .all();
    },

    /** The sessions that keep orders (for the consistency checker run over every session). */
    auditSessions(): string[] {
      return db
        .selectDistinct({ sessionId: orders.sessionId })
        .from(orders)
        .all()
        .map((row) => row.sessionId);
    },

    /** A slice of a session's orders for the consistency checker: by id, after `afterId`, at most `limit`. */
    auditOrders(sessionId: string, afterId: string, limit: number): OrderRow[] {
      return db
        .select()
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), gt(orders.id, afterId)))
        .orderBy(asc(orders.id))
        .limit(limit)
        .all();
    },

    /** Which of `orderIds` the session still keeps. */
    existingOrderIds(sessionId: string, orderIds: readonly string[]): string[] {
      if (orderIds.length === 0) return [];
      return db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
        .all()
        .map((row) => row.id);
    },

    /** `GET /orders/:id?wait=ms`: the order once it is COMPLETED or CANCELLED, or as it is after `waitMs`. */
    async waitForOrderToSettle(order: OrderJson, waitMs: number, signal: AbortSignal): Promise<OrderJson> {
      if (isFinal(order.status)) return order;
      await deps.waiters.waitForOrder(order.sessionId, order.id, ["ORDER_COMPLETED", "ORDER_CANCELLED"], waitMs, signal);
      return getOrder(order.sessionId, order.id);
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => {
      usage.delete(sessionId);
      return deleteSessionRows(db, sessionId, sessionTables);
    },
    sessionTables,
    /** Who keeps rows here and when they last changed (order lines exist only with their order). */
    sessionActivity: () =>
      lastChangePerSession(db, [
        ["orders", "updated_at"],
        ["idempotency_keys", "created_at"],
      ]),

    /**
     * `POST /orders/reset`: the session's orders and, with them, the saga history on the bus.
     * Dropping the events also drops their deliveries (scheduled, held or dead), so a saga in
     * flight would never finish, and a cancel already accepted would never restock or refund:
     * the stock or money would stay held forever. Which sagas are therefore cancelled in the same
     * transaction is onOrdersReset's decision (orders.decide.ts): an ORDER_CANCELLED (operator) is
     * emitted after the history is gone, inventory releases or puts back the stock and payments
     * void or refund the charge. A saga still waiting for inventory holds nothing, and a completed
     * sale nobody cancelled stays sold: dropping their history leaves no event behind.
     *
     * A session may keep thousands of orders, so the reset goes RESET_SLICE orders at a time, one
     * transaction each, giving way to other requests between them. Every saga is reset whole in
     * one transaction, and no saga depends on another, so the books balance after every slice.
     * It resets the orders (and the history of the orders) that exist when it starts; an order
     * placed while it runs is kept.
     */
    async resetOrders(sessionId: string): Promise<void> {
      const orderIds = [
        ...new Set([...statements.sessionOrderIds.all({ sessionId }).map((row) => row.id), ...bus.queries.sessionOrderIds(sessionId)]),
      ];
      // A key names an order: with the orders gone, so are the keys.
      db.delete(idempotencyKeys).where(eq(idempotencyKeys.sessionId, sessionId)).run();
      for (let start = 0; start < orderIds.length; start += RESET_SLICE) {
        resetSlice(sessionId, orderIds.slice(start, start + RESET_SLICE));
        usage.delete(sessionId);
        await giveWay();
      }
      bus.forgetOrphanDeliveries(sessionId);
      await hooks.afterReset?.(sessionId);
      deps.changes.announce(sessionId, "ORDERS_RESET");
    },
  };
}
export type OrdersService = ReturnType<typeof ordersService>;
