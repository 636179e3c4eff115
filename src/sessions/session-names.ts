import { eq } from "drizzle-orm";
import { z } from "zod";
import type { SessionChanges } from "../modules/module-deps";
import type { Clock } from "../platform/clock";
import { type Database, deleteSessionRows, lastChangePerSession } from "../platform/db";
import { sessionNames } from "./session-names.sql";

/** At most this many characters, after trimming: a name fits a row of the teacher's overview. */
export const SESSION_NAME_MAX = 40;

/** A session's name: 1–40 characters once trimmed, none of them a control character (a line break, a NUL, an escape). */
export const sessionNameSchema = z
  .string()
  .trim()
  .min(1, "a name has at least 1 character")
  .max(SESSION_NAME_MAX, `a name has at most ${SESSION_NAME_MAX} characters`)
  .refine((name) => !/\p{Cc}/u.test(name), "a name has no control characters");

export const sessionNamePatchSchema = z
  .strictObject({ name: sessionNameSchema })
  .meta({ id: "SessionNamePatch", example: { name: "Ada" } });

/**
 * The sessions' names, in `session_names` (one row per named session). Naming a session tells
 * its screens and the teacher's overview (`SESSION_NAMED`), which lists sessions by name.
 */
export class SessionNames {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly changes: SessionChanges,
  ) {}

  of(sessionId: string): string | null {
    return this.db.select().from(sessionNames).where(eq(sessionNames.sessionId, sessionId)).get()?.name ?? null;
  }

  /** Every named session's name, in one query (the teacher's overview reads it once, then follows SESSION_NAMED). */
  all(): Map<string, string> {
    return new Map(
      this.db
        .select()
        .from(sessionNames)
        .all()
        .map((row) => [row.sessionId, row.name]),
    );
  }

  /** Names the session (a validated name); answers the name stored. */
  name(sessionId: string, name: string): string {
    const updatedAt = this.clock.now();
    this.db
      .insert(sessionNames)
      .values({ sessionId, name, updatedAt })
      .onConflictDoUpdate({ target: sessionNames.sessionId, set: { name, updatedAt } })
      .run();
    this.changes.announce(sessionId, "SESSION_NAMED");
    return name;
  }

  /** Where it keeps a session's rows: the wipe empties it, the session census counts it. */
  readonly sessionTables = ["session_names"] as const;

  forgetSession(sessionId: string): Record<string, number> {
    return deleteSessionRows(this.db, sessionId, this.sessionTables);
  }

  sessionActivity(): { sessionId: string; lastActivity: number }[] {
    return lastChangePerSession(this.db, [["session_names", "updated_at"]]);
  }
}
