import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per session that changed a knob; a session without one has the defaults. */
export const sessionSettings = sqliteTable("session_settings", {
  sessionId: text("session_id").primaryKey(),
  settings: text("settings", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
});
