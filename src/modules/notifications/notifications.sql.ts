import type { Database as SQLite } from "bun:sqlite";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** What a customer would receive as the saga moves on; the kinds a message can be. */
export const notificationKinds = ["received", "confirmed", "out_of_stock", "payment_failed", "cancelled", "refunded"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * One message per (session, event): `event_id` names the saga event the message answers, and
 * the unique index is this module's record of the events it has processed, so no event is
 * ever answered twice, whatever the bus delivers.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").notNull(),
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    eventId: text("event_id").notNull(),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.id] }),
    uniqueIndex("notifications_session_event").on(t.sessionId, t.eventId),
    index("notifications_session_order").on(t.sessionId, t.orderId),
    index("notifications_session_created").on(t.sessionId, t.createdAt, t.id),
  ],
);
export type NotificationRow = typeof notifications.$inferSelect;

type Key = { sessionId: string; orderId: string };

/** The statements every saga runs (a message per outcome), prepared once on the connection by the composition root. */
export function notificationsStatements(sqlite: SQLite) {
  return {
    recipientOf: sqlite.prepare<{ recipient: string }, [Key]>(
      `SELECT recipient FROM notifications WHERE session_id = $sessionId AND order_id = $orderId AND kind = 'received' LIMIT 1`,
    ),
    /** Once per event: a second delivery of the same event adds nothing. */
    record: sqlite.prepare<
      never,
      [Key & { id: string; eventId: string; kind: string; recipient: string; subject: string; body: string; now: number }]
    >(
      `INSERT INTO notifications (id, session_id, order_id, event_id, kind, recipient, subject, body, created_at)
       VALUES ($id, $sessionId, $orderId, $eventId, $kind, $recipient, $subject, $body, $now)
       ON CONFLICT (session_id, event_id) DO NOTHING`,
    ),
  };
}
export type NotificationsStatements = ReturnType<typeof notificationsStatements>;
