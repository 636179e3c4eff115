import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The sessions being wiped (`DELETE /session`, the idle purge). A wipe runs in slices, so a
 * crash can stop it half-way; the row is written, in a transaction of its own, before the first
 * row of the session goes, and removed in the same transaction as its last. While it exists the
 * relay runs nothing of the session (docs/architecture.md, "Big jobs give way"), and start-up
 * finishes the wipe.
 */
export const sessionWipes = sqliteTable("session_wipes", {
  sessionId: text("session_id").primaryKey(),
  startedAt: integer("started_at").notNull(),
});
