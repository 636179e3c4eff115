import { eq } from "drizzle-orm";
import { transaction } from "../../platform/db";
import type { SagaEvent } from "../events";
import type { ModuleDeps } from "../module-deps";
import { foldStream, type OrderChange, type OrderStreamEvent } from "./order-aggregate";
import { linesOfOrders, writeView } from "./orders.projection";
import { type OrderItemRow, type OrderRow, type OrdersStatements, orders } from "./orders.sql";

/** Orders versioned per transaction at start-up (a few ms each: the upgrade never holds the database long). */
export const UPGRADE_SLICE = 500;

/** What an order's saga log says happened to it, and when: the first of each of these events. */
export type LoggedMoves = Partial<
  Record<"INVENTORY_RESERVED" | "ORDER_CANCELLATION_REQUESTED" | "ORDER_COMPLETED" | "ORDER_CANCELLED", number>
>;

// Where a change falls among others recorded in the same millisecond.
const rank: Record<OrderChange["type"], number> = {
  ORDER_CREATED: 0,
  ORDER_PROCESSING_STARTED: 1,
  ORDER_CANCELLATION_REQUESTED: 2,
  ORDER_COMPLETED: 3,
  ORDER_CANCELLED: 4,
};

/**
 * The stream of an order written before orders had streams, from the events its saga already
 * logged (which moves happened, and when) and its row (what they set). Its fold is the row:
 * the last change is dated when the row last changed, and each change carries the row's values.
 * A log an orders reset or an old schema left short still gives a stream: the row says which
 * moves must have happened (a price means the stock was reserved; a status, its end).
 */
export function legacyStream(row: OrderRow, items: readonly Pick<OrderItemRow, "product" | "quantity">[], logged: LoggedMoves) {
  const changes: { change: OrderChange; at: number }[] = [];
  const { status, totalCents, cancellationRequestedBy } = row;
  const completedOnce = status === "COMPLETED" || (status === "CANCELLED" && logged.ORDER_COMPLETED !== undefined);
  const processed = status === "PROCESSING" || logged.INVENTORY_RESERVED !== undefined || (totalCents !== 0 && !completedOnce);
  if (processed) {
    changes.push({ change: { type: "ORDER_PROCESSING_STARTED", data: { totalCents } }, at: logged.INVENTORY_RESERVED ?? row.updatedAt });
  }
  if (cancellationRequestedBy !== null) {
    changes.push({
      change: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: cancellationRequestedBy } },
      at: logged.ORDER_CANCELLATION_REQUESTED ?? row.updatedAt,
    });
  }
  if (completedOnce) {
    const at = status === "COMPLETED" ? (row.completedAt ?? row.updatedAt) : (logged.ORDER_COMPLETED as number);
    changes.push({ change: { type: "ORDER_COMPLETED", data: { totalCents } }, at });
  }
  if (status === "CANCELLED") {
    const data = { cancellationSource: row.cancellationSource ?? "operator", errorMessage: row.errorMessage ?? "" };
    changes.push({ change: { type: "ORDER_CANCELLED", data }, at: row.completedAt ?? row.updatedAt });
  }
  changes.sort((a, b) => a.at - b.at || rank[a.change.type] - rank[b.change.type]);
  const last = changes.at(-1);
  if (last) last.at = row.updatedAt;
  const created: OrderChange = {
    type: "ORDER_CREATED",
    data: {
      sagaId: row.sagaId,
      userId: row.userId,
      items: items.map(({ product, quantity }) => ({ product, quantity })),
      paymentBehaviour: row.paymentBehaviour,
      inventoryBehaviour: row.inventoryBehaviour,
      skipDemoDelays: row.skipDemoDelays,
      sagaStyle: row.sagaStyle,
      shippingBehaviour: row.shippingBehaviour,
    },
  };
  return [{ change: created, at: row.createdAt }, ...changes].map(
    ({ change, at }, index): OrderStreamEvent => ({ ...change, version: index + 1, at }) as OrderStreamEvent,
  );
}

/** The first time the saga's log shows each move (its events are the bus's, oldest first). */
export function loggedMoves(events: readonly Pick<SagaEvent, "type" | "timestamp">[]): LoggedMoves {
  const moves: LoggedMoves = {};
  for (const { type, timestamp } of events) {
    if (
      (type === "INVENTORY_RESERVED" ||
        type === "ORDER_CANCELLATION_REQUESTED" ||
        type === "ORDER_COMPLETED" ||
        type === "ORDER_CANCELLED") &&
      moves[type] === undefined
    ) {
      moves[type] = timestamp;
    }
  }
  return moves;
}

/**
 * At start-up: every order written before orders had streams (version 0) gets its stream, and
 * its row becomes that stream's projection (version N). UPGRADE_SLICE orders per transaction,
 * each slice whole or not at all, so a crash part-way leaves the rest for the next start.
 * Answers how many orders it versioned.
 */
export function versionLegacyOrders(deps: Pick<ModuleDeps, "db" | "bus">, statements: OrdersStatements): number {
  const { db } = deps;
  let versioned = 0;
  for (;;) {
    const slice = db.select().from(orders).where(eq(orders.version, 0)).limit(UPGRADE_SLICE).all();
    if (slice.length === 0) return versioned;
    transaction(db, () => {
      for (const [sessionId, rows] of Map.groupBy(slice, (row) => row.sessionId)) {
        const lines = linesOfOrders(
          db,
          sessionId,
          rows.map((row) => row.id),
        );
        for (const row of rows) {
          const key = { sessionId, orderId: row.id };
          const stream = legacyStream(row, lines.get(row.id) ?? [], loggedMoves(deps.bus.log.orderEvents(sessionId, row.id)));
          for (const { type, data, version, at } of stream) {
            statements.appendEvent.run({ ...key, version, type, data: JSON.stringify(data), at });
          }
          writeView(db, key, foldStream(stream) as NonNullable<ReturnType<typeof foldStream>>);
        }
      }
    });
    versioned += slice.length;
  }
}
