import { and, asc, eq, gt, inArray, isNull, lte, max, sql } from "drizzle-orm";
import type { Database } from "../platform/db";
import { type BusStatements, deliveries, events, relayCursor } from "./bus.sql";
import type { EventPayloadBase } from "./event";

/** How far one saga has got, for an operator: its last event, its deliveries still scheduled and its dead letters. */
export interface SagaProgress {
  step: string;
  stepAt: number;
  pending: number;
  deadLetters: number;
}

/** An event of the log as the consistency checker reads it: `seq` is the session's own number. */
export interface LoggedEvent {
  seq: number;
  orderId: string;
  type: string;
  data: unknown;
}

/**
 * What the rest of the server asks of the log and the schedule together, by order: the
 * sagas' progress (`GET /sagas`), the reset's and the consistency checker's questions, and a
 * reaction's one lookup. Typed by the drizzle schema, so no column is named twice.
 */
export class BusQueries<P extends EventPayloadBase> {
  constructor(
    private readonly db: Database,
    private readonly statements: BusStatements,
  ) {}

  /** Every order with an event in the session's log. */
  sessionOrderIds(sessionId: string): string[] {
    return this.statements.sessionOrderIds.all({ sessionId }).map((row) => row.orderId);
  }

  /**
   * The orders of the session's log by id, after `afterId` and up to `upTo` (to the end when
   * absent), at most `limit`: the checker walks them beside the orders, to find the remains of
   * sagas an orders reset cut short. Read from the (session, order) index alone.
   */
  logOrderIds(sessionId: string, afterId: string, upTo?: string, limit = Number.MAX_SAFE_INTEGER): string[] {
    return this.db
      .selectDistinct({ orderId: events.orderId })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), gt(events.orderId, afterId), upTo === undefined ? undefined : lte(events.orderId, upTo)))
      .orderBy(asc(events.orderId))
      .limit(limit)
      .all()
      .map((row) => row.orderId);
  }

  /** Whether the order's log holds an event of one of `types` (one indexed lookup, for a reaction's decision). */
  orderHasEventOf(sessionId: string, orderId: string, types: readonly P["type"][]): boolean {
    return this.statements.orderHasEventOf.get({ sessionId, orderId, types: JSON.stringify(types) }) !== null;
  }

  /** Of `orderIds`, those whose log holds an event of `type` (for the consistency checker). */
  ordersWithEvent(type: P["type"], sessionId: string, orderIds: readonly string[]): string[] {
    if (orderIds.length === 0) return [];
    return this.db
      .selectDistinct({ orderId: events.orderId })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), inArray(events.orderId, [...orderIds]), eq(events.type, type)))
      .all()
      .map((row) => row.orderId);
  }

  /**
   * The events of `types` in the session's log, in log order, each with its session number and
   * data: of `orderIds` when given (read from the (session, order) index), else of the whole
   * session (the checker asks that only of a session whose stock is already known to be wrong).
   */
  eventsOfTypes(sessionId: string, types: readonly P["type"][], orderIds?: readonly string[]): LoggedEvent[] {
    if (orderIds?.length === 0 || types.length === 0) return [];
    return this.db
      .select({ seq: events.sessionSeq, orderId: events.orderId, type: events.type, data: events.data })
      .from(events)
      .where(
        and(
          eq(events.sessionId, sessionId),
          orderIds === undefined ? undefined : inArray(events.orderId, [...orderIds]),
          inArray(events.type, [...types]),
        ),
      )
      .orderBy(asc(events.seq))
      .all();
  }

  /**
   * Of `orderIds`, those whose log holds more than one event of `type`, each with those events'
   * session numbers in log order: one grouped read of the (session, order) index, which answers
   * no row at all for a session where each happened at most once.
   */
  repeatedEvents(type: P["type"], sessionId: string, orderIds: readonly string[]): { orderId: string; seqs: number[] }[] {
    if (orderIds.length === 0) return [];
    return this.db
      .select({ orderId: events.orderId, seqs: sql<string>`group_concat(${events.sessionSeq})` })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), inArray(events.orderId, [...orderIds]), eq(events.type, type)))
      .groupBy(events.orderId)
      .having(sql`count(*) > 1`)
      .all()
      .map(({ orderId, seqs }) => ({
        orderId,
        seqs: seqs
          .split(",")
          .map(Number)
          .sort((a, b) => a - b),
      }));
  }

  /**
   * The session's events that name no order (no reaction can correlate them), each with the
   * order its cause belongs to, if the cause is still in the log. One lookup of the (session,
   * order) index; the causes are looked up only when there are any.
   */
  uncorrelatedEvents(sessionId: string): { seq: number; type: string; causeOrderId: string | null }[] {
    const rows = this.db
      .select({ seq: events.sessionSeq, type: events.type, causationId: events.causationId })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), eq(events.orderId, "")))
      .orderBy(asc(events.seq))
      .all();
    if (rows.length === 0) return [];
    const causeIds = [...new Set(rows.flatMap((row) => (row.causationId ? [row.causationId] : [])))];
    const causes = new Map(
      this.db
        .select({ id: events.id, orderId: events.orderId })
        .from(events)
        .where(and(eq(events.sessionId, sessionId), inArray(events.id, causeIds)))
        .all()
        .map((cause) => [cause.id, cause.orderId]),
    );
    return rows.map(({ seq, type, causationId }) => ({ seq, type, causeOrderId: (causationId && causes.get(causationId)) || null }));
  }

  /** Of `orderIds`, the sagas whose log holds an event of one of `types`. */
  sagasThatEmitted(sessionId: string, orderIds: readonly string[], types: readonly P["type"][]): { orderId: string; sagaId: string }[] {
    if (orderIds.length === 0) return [];
    return this.db
      .selectDistinct({ orderId: events.orderId, sagaId: events.sagaId })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), inArray(events.orderId, [...orderIds]), inArray(events.type, [...types])))
      .all();
  }

  /**
   * The orders of a session (of `orderIds` when given) with work still ahead on the bus: an
   * event the relay has not reached yet, or a delivery scheduled for later or held. A dead
   * letter is not work in flight: nothing runs it again unless someone retries it by hand.
   */
  ordersInFlight(sessionId: string, orderIds?: readonly string[]): string[] {
    return this.ordersWithWork(sessionId, orderIds, false);
  }

  /** Like `ordersInFlight`, and the orders with a dead letter too: every order whose work dropping its history would drop. */
  ordersWithPendingWork(sessionId: string, orderIds?: readonly string[]): string[] {
    return this.ordersWithWork(sessionId, orderIds, true);
  }

  /**
   * How far the sagas of these orders have got (`GET /sagas`): each one's last event (type and
   * time), its deliveries still scheduled and its dead letters. Two queries whatever the number of orders.
   */
  sagaProgress(sessionId: string, orderIds: readonly string[]): Map<string, SagaProgress> {
    if (orderIds.length === 0) return new Map();
    const lastSeqs = this.db
      .select({ seq: max(events.seq) })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), inArray(events.orderId, [...orderIds])))
      .groupBy(events.orderId);
    const last = this.db
      .select({ orderId: events.orderId, step: events.type, stepAt: events.timestamp })
      .from(events)
      .where(inArray(events.seq, lastSeqs))
      .all();
    const counts = this.db
      .select({
        orderId: events.orderId,
        pending: sql<number>`sum(${deliveries.deadAt} IS NULL)`.mapWith(Number),
        deadLetters: sql<number>`sum(${deliveries.deadAt} IS NOT NULL)`.mapWith(Number),
      })
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .where(eq(deliveries.sessionId, sessionId))
      .groupBy(events.orderId)
      .all();
    const countsByOrder = new Map(counts.map((count) => [count.orderId, count]));
    return new Map(
      last.map(({ orderId, step, stepAt }) => {
        const count = countsByOrder.get(orderId);
        return [orderId, { step, stepAt, pending: count?.pending ?? 0, deadLetters: count?.deadLetters ?? 0 }];
      }),
    );
  }

  private ordersWithWork(sessionId: string, orderIds: readonly string[] | undefined, withDeadLetters: boolean): string[] {
    if (orderIds?.length === 0) return [];
    const ofOrders = orderIds === undefined ? undefined : inArray(events.orderId, [...orderIds]);
    const cursor = sql`(SELECT ${relayCursor.lastSeq} FROM ${relayCursor} WHERE ${relayCursor.id} = 1)`;
    const unread = this.db
      .selectDistinct({ orderId: events.orderId })
      .from(events)
      .where(and(eq(events.sessionId, sessionId), gt(events.seq, cursor), ofOrders))
      .all();
    const scheduled = this.db
      .selectDistinct({ orderId: events.orderId })
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .where(and(eq(deliveries.sessionId, sessionId), ofOrders, withDeadLetters ? undefined : isNull(deliveries.deadAt)))
      .all();
    return [...new Set([...unread, ...scheduled].map((row) => row.orderId))];
  }
}
