import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { toIso } from "../../platform/clock";
import { deleteSessionRows, lastChangePerSession, transaction } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import type { Message } from "./notifications.decide";
import { type NotificationRow, type NotificationsStatements, notificationKinds, notifications } from "./notifications.sql";

/** The wire form of a message a customer would receive (a new resource: camelCase). */
export const notificationJsonSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    kind: z.enum(notificationKinds),
    recipient: z.string(),
    subject: z.string(),
    body: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Notification" });
export type NotificationJson = z.infer<typeof notificationJsonSchema>;

export function notificationToJson(row: NotificationRow): NotificationJson {
  return {
    id: row.id,
    orderId: row.orderId,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: toIso(row.createdAt),
  };
}

export function notificationsService(deps: ModuleDeps, statements: NotificationsStatements) {
  const { db } = deps;
  return {
    /** Who the order's messages go to: the userId it was placed with, as its first message recorded it. */
    recipientOf(sessionId: string, orderId: string): string | undefined {
      return statements.recipientOf.get({ sessionId, orderId })?.recipient;
    },

    /** Records the message once per event: a second delivery of the same event adds nothing. */
    record(sessionId: string, orderId: string, eventId: string, recipient: string, message: Message, now: number): void {
      statements.record.run({ id: `ntf_${deps.ids.uuid()}`, sessionId, orderId, eventId, recipient, ...message, now });
    },

    /** `GET /notifications`: the session's inbox, newest first. */
    listNotifications(sessionId: string, limit: number): NotificationJson[] {
      return db
        .select()
        .from(notifications)
        .where(eq(notifications.sessionId, sessionId))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit)
        .all()
        .map(notificationToJson);
    },

    /** The orders this module keeps messages of (what an orders reset may have left behind). */
    keptOrderIds(sessionId: string): string[] {
      return db
        .selectDistinct({ orderId: notifications.orderId })
        .from(notifications)
        .where(eq(notifications.sessionId, sessionId))
        .all()
        .map((row) => row.orderId);
    },

    /** After an orders reset: the messages of these orders, gone and over, dropped. */
    forgetOrders(sessionId: string, orderIds: readonly string[]): void {
      if (orderIds.length === 0) return;
      db.delete(notifications)
        .where(and(eq(notifications.sessionId, sessionId), inArray(notifications.orderId, [...orderIds])))
        .run();
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,
    /** Who keeps rows here and when they last changed. */
    sessionActivity: () => lastChangePerSession(db, [["notifications", "created_at"]]),

    resetNotifications(sessionId: string): void {
      transaction(db, () => db.delete(notifications).where(eq(notifications.sessionId, sessionId)).run());
    },
  };
}
export type NotificationsService = ReturnType<typeof notificationsService>;
/** The tables that keep a session's rows. */
const sessionTables = ["notifications"] as const;
