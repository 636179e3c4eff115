import { and, desc, eq, sql } from "drizzle-orm";
import { NotFoundError } from "../../platform/errors";
import { pastPosition } from "../../platform/paging";
import { sagaEndings } from "../events";
import type { ModuleDeps } from "../module-deps";
import { isFinal } from "./order-status";
import { linesOfOrders } from "./orders.projection";
import { type OrderJson, orderToJson } from "./orders.schemas";
import { fromStoredOrder, type OrderRow, type OrdersStatements, orders } from "./orders.sql";

/** A page of orders holds at most this many order lines in all (about 2.5 MB of JSON at most). */
export const MAX_LINES_PER_PAGE = 10_000;
/** Where a page of orders ends: [createdAt, id] of its last (oldest) order. */
export type OrderPosition = readonly [number, string];

/** What the API, the dashboard and the saga admin read of orders, and the long polls that wait for one to move. */
export function ordersQueries(deps: ModuleDeps, statements: OrdersStatements) {
  const { db } = deps;

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
    const itemsByOrder = linesOfOrders(
      db,
      sessionId,
      rows.map((row) => row.id),
    );
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

  return {
    findOrder,
    getOrder,

    /** The version of its stream the order's row shows (its ETag); 404 when it is gone. */
    versionOf(sessionId: string, orderId: string): number {
      const order = statements.order.get({ sessionId, orderId });
      if (!order) throw new NotFoundError(`Order ${orderId}`);
      return order.version;
    },

    /** The order whose saga is `sagaId`, in this session only. */
    findOrderBySaga(sessionId: string, sagaId: string): OrderJson | undefined {
      const row = db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), eq(orders.sagaId, sagaId)))
        .get();
      return row ? findOrder(sessionId, row.id) : undefined;
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

    /** `GET /orders/:id?wait=ms`: the order once it is COMPLETED or CANCELLED, or as it is after `waitMs`. */
    async waitForOrderToSettle(order: OrderJson, waitMs: number, signal: AbortSignal): Promise<OrderJson> {
      if (isFinal(order.status)) return order;
      await deps.waiters.waitForOrder(order.sessionId, order.id, sagaEndings, waitMs, signal);
      return getOrder(order.sessionId, order.id);
    },

    /** `POST /orders/:id/cancel?wait=ms`: the order once it is CANCELLED, or as it is after `waitMs`. */
    async waitForCancellation(order: OrderJson, waitMs: number, signal: AbortSignal): Promise<OrderJson> {
      if (order.status === "CANCELLED" || waitMs === 0) return order;
      await deps.waiters.waitForOrder(order.sessionId, order.id, ["ORDER_CANCELLED"], waitMs, signal);
      return getOrder(order.sessionId, order.id);
    },
  };
}
export type OrdersQueries = ReturnType<typeof ordersQueries>;
