import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Executor } from "../platform/db";
import { rowToEvent } from "./bus";
import { events } from "./bus.sql";
import type { BusEvent, EventType } from "./events";

/** One saga's trace, in the order the bus committed it. */
export function listOrderEvents(db: Executor, sessionId: string, orderId: string): BusEvent[] {
  return db
    .select()
    .from(events)
    .where(and(eq(events.sessionId, sessionId), eq(events.orderId, orderId)))
    .orderBy(asc(events.seq))
    .all()
    .map(rowToEvent);
}

/** The session's event log, oldest first, after a sequence number. */
export function listSessionEvents(db: Executor, sessionId: string, afterSeq: number, limit: number): BusEvent[] {
  return db
    .select()
    .from(events)
    .where(and(eq(events.sessionId, sessionId), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all()
    .map(rowToEvent);
}

/**
 * The events of `types` already committed for one order. The log outlives a module's reset
 * (only an orders reset, which ends the saga itself, drops it), so a reaction asks it whether
 * its decision for an order was already made, even after a reset forgot the processed records.
 */
export function orderEventsOfType<T extends EventType>(
  db: Executor,
  sessionId: string,
  orderId: string,
  types: readonly T[],
): BusEvent<T>[] {
  return db
    .select()
    .from(events)
    .where(and(eq(events.sessionId, sessionId), eq(events.orderId, orderId), inArray(events.type, [...types])))
    .orderBy(asc(events.seq))
    .all()
    .map((row) => rowToEvent(row) as BusEvent<T>);
}

/** The session's newest events, newest first (the dashboard's log panel). */
export function listRecentSessionEvents(db: Executor, sessionId: string, limit: number): BusEvent[] {
  return db.select().from(events).where(eq(events.sessionId, sessionId)).orderBy(desc(events.seq)).limit(limit).all().map(rowToEvent);
}
