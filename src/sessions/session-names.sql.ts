import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The name an attendee gave their session (`PATCH /session`); a session without a row has none. */
export const sessionNames = sqliteTable("session_names", {
  sessionId: text("session_id").primaryKey(),
  name: text("name").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
