import { eq } from "drizzle-orm";
import type { SessionSettings, SettingsPatch, SettingsReader } from "../modules/session-settings";
import { sessionSettingsSchema } from "../modules/session-settings";
import type { Clock } from "../platform/clock";
import { type Database, deleteSessionRows, lastChangePerSession, transaction } from "../platform/db";
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

  private readonly defaults: SessionSettings;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    defaults: SessionSettings,
    private readonly warn: (sessionId: string, problem: string) => void = (sessionId, problem) =>
      console.error(`settings of session ${sessionId}: ${problem}`),
  ) {
    // Defaults outside the knobs' ranges would be settings no session could keep: refused when composing.
    this.defaults = sessionSettingsSchema.parse(defaults);
  }

  of(sessionId: string): SessionSettings {
    const cached = this.cache.get(sessionId);
    if (cached) return cached;
    const row = this.db.select().from(sessionSettings).where(eq(sessionSettings.sessionId, sessionId)).get();
    const settings = row ? readStoredSettings(row.settings, this.defaults, (problem) => this.warn(sessionId, problem)) : this.defaults;
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

  /** `DELETE /settings`: the session's settings become a new session's (stored, so the change is the session's activity). */
  reset(sessionId: string): SessionSettings {
    return this.update(sessionId, this.defaults);
  }

  /** Where it keeps a session's rows: the wipe empties it, the session census counts it. */
  readonly sessionTables = ["session_settings"] as const;

  /** `DELETE /session`: the session's settings row, and its cached copy (inside the caller's transaction). */
  forgetSession(sessionId: string): Record<string, number> {
    this.cache.delete(sessionId);
    return deleteSessionRows(this.db, sessionId, ["session_settings"]);
  }

  /** Every session that changed a knob, and when it last did. */
  sessionActivity(): { sessionId: string; lastActivity: number }[] {
    return lastChangePerSession(this.db, [["session_settings", "updated_at"]]);
  }

  private remember(sessionId: string, settings: SessionSettings): void {
    this.cache.delete(sessionId);
    this.cache.set(sessionId, settings);
    if (this.cache.size > SETTINGS_CACHE_SESSIONS) this.cache.delete(this.cache.keys().next().value as string);
  }
}

type Knob = keyof SessionSettings;
const knobs = Object.keys(sessionSettingsSchema.shape) as Knob[];

/**
 * A session's stored settings, read leniently: each knob is checked on its own, and one that no
 * longer parses (a range narrowed since it was stored, a row written by hand) falls back to
 * today's default, reported through `warn`, while the others keep their stored values. A knob
 * added since the row was written has its default too. So a stored row never makes the
 * session's settings unreadable (`GET /settings` a 500, every delivery of the session a failure).
 */
export function readStoredSettings(stored: unknown, defaults: SessionSettings, warn: (problem: string) => void): SessionSettings {
  const given: Record<string, unknown> = stored !== null && typeof stored === "object" ? { ...stored } : {};
  const settings: Record<string, unknown> = {};
  for (const knob of knobs) {
    if (!(knob in given)) {
      settings[knob] = defaults[knob];
      continue;
    }
    const parsed = sessionSettingsSchema.shape[knob].safeParse(given[knob]);
    if (!parsed.success) warn(`stored ${knob} ${JSON.stringify(given[knob])} is not a valid value; using the default, ${defaults[knob]}`);
    settings[knob] = parsed.success ? parsed.data : defaults[knob];
  }
  return sessionSettingsSchema.parse(settings);
}
