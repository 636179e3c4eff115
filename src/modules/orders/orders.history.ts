import { and, asc, eq, inArray } from "drizzle-orm";
import { toIso } from "../../platform/clock";
import { NotFoundError } from "../../platform/errors";
import { giveWay } from "../../platform/give-way";
import type { ModuleDeps } from "../module-deps";
import { differingFields, foldStream, type OrderStreamEvent, type OrderView, statesOf } from "./order-aggregate";
import { RESET_SLICE } from "./orders.commands";
import { linesOfOrders, parseStoredEvent, rowToView, viewToJson, writeView } from "./orders.projection";
import type { OrderJson } from "./orders.schemas";
import { type OrdersStatements, orderEvents, orders } from "./orders.sql";

/** One version of an order: the event that made it, and the order as it was then (`GET /orders/:id/history`). */
export interface OrderVersionJson {
  version: number;
  type: OrderStreamEvent["type"];
  at: string;
  state: OrderJson;
}

/** An order whose rebuilt rows differ from the ones replaced: which columns (`missing`: one side had no row). */
export interface ProjectionDifference {
  orderId: string;
  fields: string[];
}

/** The differences a rebuild answers, at most: enough to show a room what drifted, bounded whatever the session holds. */
export const MAX_DIFFERENCES_SHOWN = 20;

export interface RebuildReport {
  /** Orders whose rows were written again from their streams. */
  rebuilt: number;
  /** Every rebuilt row equals the one it replaced. */
  identical: boolean;
  /** The first MAX_DIFFERENCES_SHOWN orders that differed. */
  differences: ProjectionDifference[];
}

/**
 * Reads of the order streams, and the read model's rebuild: time travel (the order as it was
 * after its N-th event), an order's history, and `POST /orders/projection/rebuild`.
 */
export function ordersHistory(deps: Pick<ModuleDeps, "db" | "bus" | "changes">, statements: OrdersStatements) {
  const { db } = deps;

  /** The order's stream, oldest first, up to `upTo`; 404 when the order has none. */
  function streamOf(sessionId: string, orderId: string, upTo = Number.MAX_SAFE_INTEGER): OrderStreamEvent[] {
    const stream = statements.stream.all({ sessionId, orderId, upTo }).map(parseStoredEvent);
    if (stream.length === 0) throw new NotFoundError(`Order ${orderId}`);
    return stream;
  }

  /** One slice of the rebuild, in one transaction: every order in `orderIds` rewritten from its stream. */
  function rebuildSlice(sessionId: string, orderIds: readonly string[], report: RebuildReport): void {
    deps.bus.transact(() => {
      const ids = [...orderIds];
      const rows = db
        .select()
        .from(orders)
        .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, ids)))
        .all();
      const lines = linesOfOrders(db, sessionId, ids);
      const before = new Map(rows.map((row) => [row.id, rowToView(row, lines.get(row.id) ?? [])]));
      const streams = Map.groupBy(
        db
          .select()
          .from(orderEvents)
          .where(and(eq(orderEvents.sessionId, sessionId), inArray(orderEvents.orderId, ids)))
          .orderBy(asc(orderEvents.orderId), asc(orderEvents.version))
          .all()
          .map((row) => ({ orderId: row.orderId, event: parseStoredEvent(row) })),
        (row) => row.orderId,
      );
      for (const orderId of ids) {
        const rebuilt = foldStream((streams.get(orderId) ?? []).map((row) => row.event));
        const replaced = before.get(orderId);
        const fields = compare(replaced, rebuilt);
        if (fields.length > 0) {
          report.identical = false;
          if (report.differences.length < MAX_DIFFERENCES_SHOWN) report.differences.push({ orderId, fields });
        }
        // The streams are the truth: a row no stream makes is dropped with the others.
        if (rebuilt) writeView(db, { sessionId, orderId }, rebuilt);
        else if (replaced)
          db.delete(orders)
            .where(and(eq(orders.sessionId, sessionId), eq(orders.id, orderId)))
            .run();
        report.rebuilt += 1;
      }
    });
  }

  return {
    streamOf,

    /** `GET /orders/:id?version=N`: the order as it was after its N-th event. */
    orderAtVersion(sessionId: string, orderId: string, version: number): OrderJson {
      const stream = streamOf(sessionId, orderId, version);
      const reached = stream.at(-1)?.version ?? 0;
      if (reached < version) throw new NotFoundError(`Version ${version} of order ${orderId} (its stream is at version ${reached})`);
      return viewToJson({ sessionId, orderId }, foldStream(stream) as OrderView);
    },

    /** `GET /orders/:id/history`: every version of the order, oldest first (an order has a handful). */
    history(sessionId: string, orderId: string): OrderVersionJson[] {
      return statesOf(streamOf(sessionId, orderId)).map(({ event, state }) => ({
        version: event.version,
        type: event.type,
        at: toIso(event.at),
        state: viewToJson({ sessionId, orderId }, state),
      }));
    },

    /**
     * `POST /orders/projection/rebuild`: the session's order rows thrown away and folded again
     * from the streams, RESET_SLICE orders per transaction with a pause between (a session may
     * keep thousands), comparing each with the row it replaces. Every order is rebuilt whole in
     * one transaction, so a saga moving meanwhile is seen either before or after its move.
     */
    async rebuildProjection(sessionId: string): Promise<RebuildReport> {
      const ids = new Set([
        ...statements.sessionOrderIds.all({ sessionId }).map((row) => row.id),
        ...db
          .selectDistinct({ id: orderEvents.orderId })
          .from(orderEvents)
          .where(eq(orderEvents.sessionId, sessionId))
          .all()
          .map((row) => row.id),
      ]);
      const orderIds = [...ids].sort();
      const report: RebuildReport = { rebuilt: 0, identical: true, differences: [] };
      for (let start = 0; start < orderIds.length; start += RESET_SLICE) {
        rebuildSlice(sessionId, orderIds.slice(start, start + RESET_SLICE), report);
        await giveWay();
      }
      // Open screens read the rows again (the API's and the dashboard's rebuild alike).
      deps.changes.announce(sessionId, "ORDERS_REBUILT");
      return report;
    },
  };
}
export type OrdersHistory = ReturnType<typeof ordersHistory>;

/** The fields where the row replaced and the rebuilt one differ; `missing` when only one of them exists. */
function compare(replaced: OrderView | undefined, rebuilt: OrderView | undefined): string[] {
  if (!replaced && !rebuilt) return [];
  if (!replaced || !rebuilt) return ["missing"];
  return differingFields(replaced, rebuilt);
}
