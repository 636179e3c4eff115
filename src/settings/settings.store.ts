import { eq } from "drizzle-orm";
import type { SessionSettings, SettingsPatch, SettingsReader } from "../modules/session-settings";
import { sessionSettingsSchema } from "../modules/session-settings";
import type { Clock } from "../platform/clock";
import { type Database, deleteSessionRows, transaction } from "../platform/db";
import { sessionSettings } from "./settings.sql";

/** Sessions whose settings stay in memory, the least recently read going first. */
export const SETTINGS_CACHE_SESSIONS = 10_000;

/**
 * The sessions' settings: stored in `session_settings`, read on every delivery through a
 * bounded cache (a read must cost no query on the hot path). The process is the database's
 * only writer, so the cache is written through and never stale.
 */
export class SettingsStore implements SettingsReader {
  private readonly cache = new Map<string, SessionSettings>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly defaults: SessionSettings,
  ) {}

  of(sessionId: string): SessionSettings {
    const cached = this.cache.get(sessionId);
    if (cached) return cached;
    const row = this.db.select().from(sessionSettings).where(eq(sessionSettings.sessionId, sessionId)).get();
    // Stored settings are parsed over today's defaults: a knob added since has its default.
    const settings = row ? sessionSettingsSchema.parse({ ...this.defaults, ...(row.settings as object) }) : this.defaults;
    this.remember(sessionId, settings);
    return settings;
  }

  /** Applies a validated patch and answers the session's settings after it. */
  update(sessionId: string, patch: SettingsPatch): SessionSettings {
    const settings = { ...this.of(sessionId), ...patch };
    transaction(this.db, () => {
      this.db
        .insert(sessionSettings)
        .values({ sessionId, settings, updatedAt: this.clock.now() })
        .onConflictDoUpdate({ target: sessionSettings.sessionId, set: { settings, updatedAt: this.clock.now() } })
        .run();
    });
    this.remember(sessionId, settings);
    return settings;
  }

  /** Where it keeps a session's rows: the wipe empties it, the session census counts it. */
  readonly sessionTables = ["session_settings"] as const;

  /** `DELETE /session`: the session's settings row, and its cached copy (inside the caller's transaction). */
  forgetSession(sessionId: string): Record<string, number> {
    this.cache.delete(sessionId);
    return deleteSessionRows(this.db, sessionId, ["session_settings"]);
  }

  private remember(sessionId: string, settings: SessionSettings): void {
    this.cache.delete(sessionId);
    this.cache.set(sessionId, settings);
    if (this.cache.size > SETTINGS_CACHE_SESSIONS) this.cache.delete(this.cache.keys().next().value as string);
  }
}
