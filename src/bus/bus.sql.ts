import type { Database as SQLite } from "bun:sqlite";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The outbox and the event log are one table: an event is appended in the same transaction as
 * the state change that caused it, and stays as the session's history. `seq` gives a total
 * order over every session: the relay's cursor and schedule use it, and no client sees it.
 * `session_seq` numbers one session's events 1, 2, 3, ... with no gaps made by other sessions:
 * it is the `seq` clients see, page by and resume a stream from.
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
    // The default only serves the migration that added the column; it numbers the rows it finds.
    sessionSeq: integer("session_seq").notNull().default(0),
    // A command is addressed to one module (its payload names it); an event is for whoever subscribed.
    kind: text("kind", { enum: ["event", "command"] })
      .notNull()
      .default("event"),
    // Which reactions take part (a reaction names the styles it takes part in): copied from the
    // event's cause, so a saga keeps the style it started with. Rows older than styles were choreographed.
    style: text("style").notNull().default("choreography"),
  },
  (t) => [
    uniqueIndex("events_session_session_seq").on(t.sessionId, t.sessionSeq),
    index("events_session_order").on(t.sessionId, t.orderId, t.seq),
  ],
);

/**
 * The last `session_seq` each session's log gave. It outlives the events (an orders reset drops
 * them), so a number is never given twice within a session and a client resuming from it never
 * mistakes a new event for one it saw. `DELETE /session` drops it with the session.
 */
export const sessionEventSeqs = sqliteTable("session_event_seqs", {
  sessionId: text("session_id").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
  // When the session's log last gave a number: the row outlives the events, so the idle purge
  // reads a session's last event here. The default only serves the migration that added it.
  updatedAt: integer("updated_at").notNull().default(0),
});

/**
 * The relay's schedule: one row per (event, reaction) whose delivery is not due yet when the
 * relay reaches the event in the log (a demo delay), or that failed and waits for its retry.
 * Work that is due at once never gets a row: the relay's cursor (below) hands it over. Rows
 * survive a crash with the events they belong to; a row is deleted in the same savepoint as
 * the reaction it runs. A row that failed too often stays as a dead letter (`dead_at` set):
 * never run again unless someone retries it by hand.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    eventSeq: integer("event_seq").notNull(),
    reaction: text("reaction").notNull(),
    dueAt: integer("due_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // Waiting only because its session is in step mode: run by hand, or released in due order.
    held: integer("held", { mode: "boolean" }).notNull().default(false),
    // When it was dead-lettered; null while the relay still runs it when due.
    deadAt: integer("dead_at"),
  },
  (t) => [
    // The relay's query (not held, not dead, due by now, in due order) reads this index alone,
    // whatever number of held rows and dead letters lie in the past.
    index("deliveries_due").on(t.held, t.deadAt, t.dueAt, t.id),
    index("deliveries_session").on(t.sessionId),
    index("deliveries_event").on(t.eventSeq, t.reaction),
  ],
);

/**
 * How far the relay has read the event log: every event up to `last_seq` has been handed to
 * each of its reactions, either run or scheduled as a row in `deliveries`. Moved in the same
 * transaction as the reactions' effects (see docs/architecture.md, "Idempotency: one mechanism").
 */
export const relayCursor = sqliteTable("relay_cursor", {
  id: integer("id").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

/** An event row as the bus's statements read it (`data` still JSON text). */
export type EventRow = Omit<typeof events.$inferSelect, "data"> & { data: string };

/** A delivery row as the raw statements read it (SQLite answers the boolean as 0 or 1). */
export type DeliveryRow = Omit<typeof deliveries.$inferSelect, "held"> & { held: number };

/** How often a delivery is attempted before it is dead-lettered. */
export const MAX_DELIVERY_ATTEMPTS = 5;

/** A due delivery with its event's columns, which are null when a reset removed the event. */
export interface DueDeliveryRow extends DeliveryRow {
  eventId: string | null;
  eventType: string | null;
  eventSagaId: string | null;
  eventOrderId: string | null;
  eventCausationId: string | null;
  eventTimestamp: number | null;
  eventData: string | null;
  eventSessionSeq: number | null;
  eventKind: "event" | "command" | null;
  eventStyle: string | null;
}

/** The event a due delivery carries, or null when it is gone (the LEFT JOIN found no event: every column is null). */
export function eventOfDelivery(row: DueDeliveryRow): EventRow | null {
  const { eventId: id, eventType: type, eventSagaId: sagaId, eventOrderId: orderId, eventTimestamp: timestamp, eventData: data } = row;
  const { eventSessionSeq: sessionSeq, eventKind: kind, eventStyle: style } = row;
  if (id === null || type === null || sagaId === null || orderId === null || timestamp === null || data === null || sessionSeq === null) {
    return null;
  }
  if (kind === null || style === null) return null;
  return {
    seq: row.eventSeq,
    id,
    sessionId: row.sessionId,
    type,
    sagaId,
    orderId,
    causationId: row.eventCausationId,
    timestamp,
    data,
    sessionSeq,
    kind,
    style,
  };
}

const dueColumns = `d.id, d.session_id AS sessionId, d.event_seq AS eventSeq, d.reaction, d.due_at AS dueAt, d.attempts,
  d.last_error AS lastError, d.held, d.dead_at AS deadAt, e.id AS eventId, e.type AS eventType, e.saga_id AS eventSagaId, e.order_id AS eventOrderId,
  e.causation_id AS eventCausationId, e.timestamp AS eventTimestamp, e.data AS eventData, e.session_seq AS eventSessionSeq,
  e.kind AS eventKind, e.style AS eventStyle`;

const eventColumns = `e.seq, e.id, e.session_id AS sessionId, e.type, e.saga_id AS sagaId, e.order_id AS orderId,
  e.causation_id AS causationId, e.timestamp, e.data, e.session_seq AS sessionSeq, e.kind, e.style`;

/**
 * The statements the bus runs for every event and every delivery, prepared once on the
 * connection by the composition root. Building and compiling them per call cost more than
 * the writes themselves (see docs/performance.md).
 */
export function busStatements(sqlite: SQLite) {
  return {
    /** `seq` is the row id: read it from the run's `lastInsertRowid`. */
    appendEvent: sqlite.prepare<never, [Omit<EventRow, "seq">]>(
      `INSERT INTO events (id, session_id, type, saga_id, order_id, causation_id, timestamp, data, session_seq, kind, style)
       VALUES ($id, $sessionId, $type, $sagaId, $orderId, $causationId, $timestamp, $data, $sessionSeq, $kind, $style)`,
    ),
    /** Takes the session's next `session_seq` (inside the append's transaction). */
    nextSessionSeq: sqlite.prepare<{ lastSeq: number }, [{ sessionId: string; now: number }]>(
      `INSERT INTO session_event_seqs (session_id, last_seq, updated_at) VALUES ($sessionId, 1, $now)
       ON CONFLICT (session_id) DO UPDATE SET last_seq = last_seq + 1, updated_at = $now RETURNING last_seq AS lastSeq`,
    ),
    setSessionSeq: sqlite.prepare<never, [{ sessionId: string; lastSeq: number; now: number }]>(
      "UPDATE session_event_seqs SET last_seq = $lastSeq, updated_at = $now WHERE session_id = $sessionId",
    ),
    scheduleDelivery: sqlite.prepare<
      never,
      [
        {
          sessionId: string;
          eventSeq: number;
          reaction: string;
          dueAt: number;
          attempts: number;
          lastError: string | null;
          held: number;
          deadAt: number | null;
        },
      ]
    >(
      `INSERT INTO deliveries (session_id, event_seq, reaction, due_at, attempts, last_error, held, dead_at)
       VALUES ($sessionId, $eventSeq, $reaction, $dueAt, $attempts, $lastError, $held, $deadAt)`,
    ),
    cursor: sqlite.prepare<{ lastSeq: number }, []>("SELECT last_seq AS lastSeq FROM relay_cursor WHERE id = 1"),
    moveCursor: sqlite.prepare<never, [{ lastSeq: number }]>("UPDATE relay_cursor SET last_seq = $lastSeq WHERE id = 1"),
    /** The log past the cursor, in commit order: what the relay has not handed to any reaction yet. */
    eventsAfter: sqlite.prepare<EventRow, [{ after: number; limit: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.seq > $after ORDER BY e.seq LIMIT $limit`,
    ),
    /** The first event past the cursor, if any: then there is work due at once. */
    firstEventAfter: sqlite.prepare<{ seq: number; timestamp: number }, [{ after: number }]>(
      "SELECT seq, timestamp FROM events WHERE seq > $after ORDER BY seq LIMIT 1",
    ),
    eventsAfterCount: sqlite.prepare<{ n: number }, [{ after: number }]>("SELECT count(*) AS n FROM events WHERE seq > $after"),
    // The event comes with its delivery (null when a reset removed it): one query, not one per delivery.
    dueDeliveries: sqlite.prepare<DueDeliveryRow, [{ now: number; limit: number }]>(
      `SELECT ${dueColumns} FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.held = 0 AND d.dead_at IS NULL AND d.due_at <= $now ORDER BY d.due_at, d.id LIMIT $limit`,
    ),
    /** A session's scheduled deliveries, next due first, held or not (GET /bus/deliveries, stepping). */
    sessionDeliveries: sqlite.prepare<DueDeliveryRow, [{ sessionId: string; limit: number }]>(
      `SELECT ${dueColumns} FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.session_id = $sessionId AND d.dead_at IS NULL ORDER BY d.due_at, d.id LIMIT $limit`,
    ),
    sessionDelivery: sqlite.prepare<DueDeliveryRow, [{ sessionId: string; id: number }]>(
      `SELECT ${dueColumns} FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.session_id = $sessionId AND d.id = $id AND d.dead_at IS NULL`,
    ),
    /** An order's scheduled deliveries and dead letters, next due first: what its saga waits for. */
    orderDeliveries: sqlite.prepare<DueDeliveryRow, [{ sessionId: string; orderId: string }]>(
      `SELECT ${dueColumns} FROM events e JOIN deliveries d ON d.event_seq = e.seq
       WHERE e.session_id = $sessionId AND e.order_id = $orderId ORDER BY d.dead_at IS NOT NULL, d.due_at, d.id`,
    ),
    /** A session's dead letters, the latest first (GET /bus/dead-letters). */
    sessionDeadLetters: sqlite.prepare<DueDeliveryRow, [{ sessionId: string; limit: number }]>(
      `SELECT ${dueColumns} FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.session_id = $sessionId AND d.dead_at IS NOT NULL ORDER BY d.dead_at DESC, d.id DESC LIMIT $limit`,
    ),
    sessionDeadLetter: sqlite.prepare<DueDeliveryRow, [{ sessionId: string; id: number }]>(
      `SELECT ${dueColumns} FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
       WHERE d.session_id = $sessionId AND d.id = $id AND d.dead_at IS NOT NULL`,
    ),
    holdSession: sqlite.prepare<never, [{ sessionId: string }]>(
      "UPDATE deliveries SET held = 1 WHERE session_id = $sessionId AND held = 0 AND dead_at IS NULL",
    ),
    releaseSession: sqlite.prepare<never, [{ sessionId: string }]>(
      "UPDATE deliveries SET held = 0 WHERE session_id = $sessionId AND held = 1",
    ),
    pendingDelivery: sqlite.prepare<{ id: number }, [{ eventSeq: number; reaction: string }]>(
      "SELECT id FROM deliveries WHERE event_seq = $eventSeq AND reaction = $reaction LIMIT 1",
    ),
    /** The session's event by the number clients know it by. */
    sessionEvent: sqlite.prepare<EventRow, [{ sessionId: string; sessionSeq: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId AND e.session_seq = $sessionSeq`,
    ),
    /** The newest `session_seq` the session's log has ever given (0: none; never reused, even after a reset). */
    newestSessionSeq: sqlite.prepare<{ lastSeq: number }, [{ sessionId: string }]>(
      "SELECT last_seq AS lastSeq FROM session_event_seqs WHERE session_id = $sessionId",
    ),
    nextDueAt: sqlite.prepare<{ next: number | null }, []>("SELECT min(due_at) AS next FROM deliveries WHERE held = 0 AND dead_at IS NULL"),
    // `held IN (0, 1)` lets the count read only the live rows of deliveries_due, never the dead letters piled up behind them.
    scheduledCount: sqlite.prepare<{ n: number }, []>("SELECT count(*) AS n FROM deliveries WHERE held IN (0, 1) AND dead_at IS NULL"),
    removeDelivery: sqlite.prepare<never, [{ id: number }]>("DELETE FROM deliveries WHERE id = $id"),
    // Read from the (session, order) index of events, then (event_seq, reaction) of deliveries: a saga has a handful of events.
    cancelOrderDeliveries: sqlite.prepare<never, [{ sessionId: string; orderId: string; reaction: string }]>(
      `DELETE FROM deliveries WHERE reaction = $reaction
         AND event_seq IN (SELECT seq FROM events WHERE session_id = $sessionId AND order_id = $orderId)`,
    ),
    retryLater: sqlite.prepare<never, [{ id: number; lastError: string; dueAt: number }]>(
      "UPDATE deliveries SET attempts = attempts + 1, last_error = $lastError, due_at = $dueAt WHERE id = $id",
    ),
    deadLetter: sqlite.prepare<never, [{ id: number; lastError: string; deadAt: number }]>(
      "UPDATE deliveries SET attempts = attempts + 1, last_error = $lastError, dead_at = $deadAt, held = 0 WHERE id = $id",
    ),
    orderEvents: sqlite.prepare<EventRow, [{ sessionId: string; orderId: string }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId AND e.order_id = $orderId ORDER BY e.seq`,
    ),
    sessionEventsAfter: sqlite.prepare<EventRow, [{ sessionId: string; after: number; limit: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId AND e.session_seq > $after ORDER BY e.session_seq LIMIT $limit`,
    ),
    /** Read row by row (iterate), so a reader can stop at a byte budget before the range is done. */
    sessionEventsThrough: sqlite.prepare<EventRow, [{ sessionId: string; after: number; through: number }]>(
      `SELECT ${eventColumns} FROM events e
       WHERE e.session_id = $sessionId AND e.session_seq > $after AND e.session_seq <= $through ORDER BY e.session_seq`,
    ),
    /** The seq of the session's event `offset + 1` places after `after`, if it has that many: steps over at most that many index entries. */
    sessionSeqAtOffset: sqlite.prepare<{ seq: number }, [{ sessionId: string; after: number; offset: number }]>(
      "SELECT session_seq AS seq FROM events WHERE session_id = $sessionId AND session_seq > $after ORDER BY session_seq LIMIT 1 OFFSET $offset",
    ),
    sessionEventCount: sqlite.prepare<{ n: number }, [{ sessionId: string }]>(
      "SELECT count(*) AS n FROM events WHERE session_id = $sessionId",
    ),
    // `types` is a JSON array; read from the (session, order) index: a saga has a handful of events.
    orderHasEventOf: sqlite.prepare<{ found: number }, [{ sessionId: string; orderId: string; types: string }]>(
      `SELECT 1 AS found FROM events WHERE session_id = $sessionId AND order_id = $orderId
         AND type IN (SELECT value FROM json_each($types)) LIMIT 1`,
    ),
    sessionOrderIds: sqlite.prepare<{ orderId: string }, [{ sessionId: string }]>(
      "SELECT DISTINCT order_id AS orderId FROM events WHERE session_id = $sessionId",
    ),
    // `ids` is a JSON array: one statement, prepared once, whatever the number of orders.
    forgetOrderDeliveries: sqlite.prepare<never, [{ sessionId: string; ids: string }]>(
      `DELETE FROM deliveries WHERE event_seq IN
         (SELECT seq FROM events WHERE session_id = $sessionId AND order_id IN (SELECT value FROM json_each($ids)))`,
    ),
    forgetOrderEvents: sqlite.prepare<never, [{ sessionId: string; ids: string }]>(
      "DELETE FROM events WHERE session_id = $sessionId AND order_id IN (SELECT value FROM json_each($ids))",
    ),
    forgetOrphanDeliveries: sqlite.prepare<never, [{ sessionId: string }]>(
      "DELETE FROM deliveries WHERE session_id = $sessionId AND NOT EXISTS (SELECT 1 FROM events WHERE events.seq = deliveries.event_seq)",
    ),
    /** Every session the bus keeps a row of (its numbering outlives its events), with its last event's time. */
    sessionActivity: sqlite.prepare<{ sessionId: string; lastActivity: number }, []>(
      "SELECT session_id AS sessionId, updated_at AS lastActivity FROM session_event_seqs",
    ),
    recentSessionEvents: sqlite.prepare<EventRow, [{ sessionId: string; limit: number }]>(
      `SELECT ${eventColumns} FROM events e WHERE e.session_id = $sessionId ORDER BY e.session_seq DESC LIMIT $limit`,
    ),
  };
}
export type BusStatements = ReturnType<typeof busStatements>;
