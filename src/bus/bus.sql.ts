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
 * becomes due. Demo delays, and later retries and step mode, are due times here, never sleeps,
 * and the schedule survives a crash with the events it belongs to.
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

/** What each reaction has already handled: a second delivery of the same event is a no-op. */
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
