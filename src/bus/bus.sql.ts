import type { Database as SQLite } from "bun:sqlite";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The outbox and the event log are one table: an event is appended in the same transaction as
 * the state change that caused it, and stays as the session's history. `seq` gives a total
 * order for paging and for the saga timeline.
 */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    type: text("type").notNull(),
    sagaId: text("saga_id").notNull(),
    orderId: text("order_id").notNull(),
    causationId: text("causation_id"),
    timestamp: integer("timestamp").notNull(),
    data: text("data", { mode: "json" }).notNull(),
  },
  (t) => [
    uniqueIndex("events_session_id_id").on(t.sessionId, t.id),
    index("events_session_seq").on(t.sessionId, t.seq),
    index("events_session_order").on(t.sessionId, t.orderId, t.seq),
  ],
);

/**
 * The relay's schedule: one row per (event, reaction) still to be delivered, with the time it
 * becomes due. Demo delays and retries are due times here, never sleeps, and the schedule
 * survives a crash with the events it belongs to.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    eventSeq: integer("event_seq")
      .notNull()
      .references(() => events.seq, { onDelete: "cascade" }),
    reaction: text("reaction").notNull(),
    dueAt: integer("due_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("deliveries_due").on(t.dueAt, t.id), index("deliveries_session").on(t.sessionId), index("deliveries_event").on(t.eventSeq)],
);

/**
 * The idempotent consumer's inbox: what each reaction has already handled. Written in the same
 * savepoint as the reaction's own changes, so a second delivery of the same event is a no-op
 * (see docs/architecture.md, "Idempotency: one mechanism").
 */
export const processedEvents = sqliteTable(
  "processed_events",
  {
    sessionId: text("session_id").notNull(),
    eventId: text("event_id").notNull(),
    reaction: text("reaction").notNull(),
    processedAt: integer("processed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.eventId, t.reaction] })],
);

/** An event row as the bus's statements read it (`data` still JSON text). */
export type EventRow = Omit<typeof events.$inferSelect, "data"> & { data: string };

export type DeliveryRow = typeof deliveries.$inferSelect;

/** A due delivery with its event's columns, which are null when a reset removed the event. */
export interface DueDeliveryRow extends DeliveryRow {
  eventId: string | null;
  eventType: string | null;
  eventSagaId: string | null;
  eventOrderId: string | null;
  eventCausationId: string | null;
  eventTimestamp: number | null;
  eventData: string | null;
}

/** The event a due delivery carries, or null when it is gone. */
export function eventOfDelivery(row: DueDeliveryRow): EventRow | null {
  if (row.eventId === null) return null;
  return {
    seq: row.eventSeq,
    id: row.eventId,
    sessionId: row.sessionId,
    type: row.eventType as string,
    sagaId: row.eventSagaId as string,
    orderId: row.eventOrderId as string,
    causationId: row.eventCausationId,
    timestamp: row.eventTimestamp as number,
    data: row.eventData as string,
  };
}

const eventColumns = `e.seq, e.id, e.session_id AS sessionId, e.type, e.saga_id AS sagaId, e.order_id AS orderId,
  e.causation_id AS causationId, e.timestamp, e.data`;

/**
 * The statements the bus runs for every event and every delivery, prepared once on the
 * connection by the composition root. Building and compiling them per call cost more than
 * the writes themselves (see docs/performance.md).
 */
export function busStatements(sqlite: SQLite) {
  return {
    appendEvent: sqlite.prepare<{ seq: number }, [Omit<EventRow, "seq">]>(
      `INSERT INTO events (id, session_id, type, saga_id, order_id, causation_id, timestamp, data)
       VALUES ($id, $sessionId, $type, $sagaId, $orderId, $causationId, $timestamp, $data) RETURNING seq`,
    ),
    scheduleDelivery: sqlite.prepare<never, [{ sessionId: string; eventSeq: number; reaction: string; dueAt: number }]>(
      "INSERT INTO deliveries (session_id, event_seq, reaction, due_at) VALUES ($sessionId, $eventSeq, $reaction, $dueAt)",
    ),
    // The event comes with its delivery (null when a reset removed it): one query, not one per delivery.
    dueDeliveries: sqlite.prepare<DueDeliveryRow, [{ now: number; limit: number }]>(
      `SELECT d.id, d.session_id AS sessionId, d.event_seq AS eventSeq, d.reaction, d.due_at AS dueAt, d.attempts,
         d.last_error AS lastError, e.id AS eventId, e.type AS eventType, e.saga_id AS eventSagaId, e.order_id AS eventOrderId,
         e.causation_id AS eventCausationId, e.timestamp AS eventTimestamp, e.data AS eventData
       FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.due_at <= $now ORDER BY d.due_at, d.id LIMIT $limit`,
    ),
    eventBySeq: sqlite.prepare<EventRow, [{ seq: number }]>(`SELECT ${eventColumns} FROM events e WHERE e.seq = $seq`),
    nextDueAt: sqlite.prepare<{ next: number | null }, []>("SELECT min(due_at) AS next FROM deliveries"),
    pendingCount: sqlite.prepare<{ n: number }, []>("SELECT count(*) AS n FROM deliveries"),
    // Records (event, reaction) unless it is already there: one statement both checks and records.
    recordProcessed: sqlite.prepare<{ at: number }, [{ sessionId: string; eventId: string; reaction: string; processedAt: number }]>(
      `INSERT INTO processed_events (session_id, event_id, reaction, processed_at) VALUES ($sessionId, $eventId, $reaction, $processedAt)
       ON CONFLICT DO NOTHING RETURNING processed_at AS at`,
    ),
    removeDelivery: sqlite.prepare<never, [{ id: number }]>("DELETE FROM deliveries WHERE id = $id"),
    retryLater: sqlite.prepare<never, [{ id: number; lastError: string; dueAt: number }]>(
      "UPDATE deliveries SET attempts = attempts + 1, last_error = $lastError, due_at = $dueAt WHERE id = $id",
    ),
    orderEvents: sqlite.prepare<EventRow, [{ sessionId: string; orderId: string }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId AND e.order_id = $orderId ORDER BY e.seq`,
    ),
    sessionEventsAfter: sqlite.prepare<EventRow, [{ sessionId: string; after: number; limit: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId AND e.seq > $after ORDER BY e.seq LIMIT $limit`,
    ),
    recentSessionEvents: sqlite.prepare<EventRow, [{ sessionId: string; limit: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId ORDER BY e.seq DESC LIMIT $limit`,
    ),
  };
}
export type BusStatements = ReturnType<typeof busStatements>;
