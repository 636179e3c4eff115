import { eq } from "drizzle-orm";
import type { SessionChanges } from "../modules/module-deps";
import type { Clock } from "../platform/clock";
import { type Database, deleteSomeSessionRows, transaction } from "../platform/db";
import { giveWay } from "../platform/give-way";
import { sessionWipes } from "./session-wipe.sql";

/** When something of a session last changed (ms since the epoch), as one holder of its rows knows it. */
export interface SessionActivity {
  sessionId: string;
  lastActivity: number;
}

/** Anything that keeps rows (or memory) of a session and can drop them all. */
export interface SessionHolder {
  forgetSession(sessionId: string): Record<string, number> | undefined;
  /** The tables where it keeps a session's rows, children first: emptied a slice at a time before `forgetSession`. */
  readonly sessionTables?: readonly string[];
  /**
   * Every session it keeps a row of, with when that session last changed what it keeps: the
   * idle purge's notion of "a session" is the union over every holder, so a holder with
   * tables must answer for each session that has a row in any of them.
   */
  sessionActivity?(): readonly SessionActivity[];
}

/** Rows deleted per statement while a session is wiped (a few milliseconds of work). */
export const WIPE_SLICE = 2_000;

/**
 * The durable record of the wipes under way (`session_wipes`), with an in-memory copy the relay
 * reads on every delivery: the process is the database's only writer, so the copy is never
 * stale. Loaded when the server is composed, before the relay starts, so a wipe a crash cut
 * short is honoured from the first round of the next process.
 */
export class WipesUnderWay {
  private readonly sessions: Set<string>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.sessions = new Set(
      db
        .select({ sessionId: sessionWipes.sessionId })
        .from(sessionWipes)
        .all()
        .map((row) => row.sessionId),
    );
  }

  /** Whether the session is being wiped: then nothing of it may move again. */
  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** The wipes under way, the oldest first (after a restart: those a crash cut short). */
  list(): string[] {
    return [...this.sessions];
  }

  /** Committed before the wipe deletes anything. */
  begin(sessionId: string): void {
    transaction(this.db, () => {
      this.db.insert(sessionWipes).values({ sessionId, startedAt: this.clock.now() }).onConflictDoNothing().run();
    });
    this.sessions.add(sessionId);
  }

  /** Inside the transaction that deletes the session's last rows. */
  end(sessionId: string): void {
    this.db.delete(sessionWipes).where(eq(sessionWipes.sessionId, sessionId)).run();
    this.sessions.delete(sessionId);
  }
}

/**
 * `DELETE /session`: every row of the session, in every table, then every in-memory trace of
 * it; answers how many rows each table lost. Open screens of the session hear that everything
 * changed. Each holder drops its own tables: none reaches into another's.
 *
 * A session may keep a hundred thousand rows, and the server is shared, so the tables are
 * emptied WIPE_SLICE rows at a time, giving way to other requests between slices. A crash
 * between two slices must not leave a half-wiped session that comes back to life (sagas whose
 * order is gone charging and taking stock), so the wipe is first recorded in `wipes`, in a
 * transaction of its own: from then on the relay drops the session's deliveries instead of
 * running them, and the next process finishes the wipe at start-up (`resume`). The bus's
 * schedule and log go first, then each module's tables, children first. Whatever the session
 * wrote meanwhile goes in a last transaction, with the memory and the record of the wipe.
 * Two wipes of one session asked for at once are one wipe.
 */
export function sessionWipe(
  db: Database,
  holders: readonly SessionHolder[],
  changes: SessionChanges,
  wipes: WipesUnderWay,
  /** Told once the session has no row left and its screens were told (the session census). */
  wiped: (sessionId: string) => void = () => {},
) {
  const running = new Map<string, Promise<Record<string, number>>>();

  async function wipe(sessionId: string): Promise<Record<string, number>> {
    wipes.begin(sessionId);
    const deleted: Record<string, number> = {};
    const count = (table: string, rows: number) => {
      deleted[table] = (deleted[table] ?? 0) + rows;
    };
    for (const table of holders.flatMap((holder) => holder.sessionTables ?? [])) {
      for (let rows = WIPE_SLICE; rows === WIPE_SLICE; ) {
        rows = deleteSomeSessionRows(db, table, sessionId, WIPE_SLICE);
        count(table, rows);
        if (rows === WIPE_SLICE) await giveWay();
      }
      await giveWay();
    }
    transaction(db, () => {
      for (const holder of holders) for (const [table, rows] of Object.entries(holder.forgetSession(sessionId) ?? {})) count(table, rows);
      wipes.end(sessionId);
    });
    for (const change of ["ORDERS_RESET", "INVENTORY_CHANGED", "PAYMENTS_RESET", "SETTINGS_CHANGED"] as const) {
      changes.announce(sessionId, change);
    }
    wiped(sessionId);
    return deleted;
  }

  const wipeSession = (sessionId: string): Promise<Record<string, number>> => {
    const under = running.get(sessionId);
    if (under) return under;
    const started = wipe(sessionId).finally(() => running.delete(sessionId));
    running.set(sessionId, started);
    return started;
  };

  return {
    wipeSession,
    /** Start-up: finishes, one after another, the wipes a crash cut short; answers which. */
    async resume(): Promise<string[]> {
      const interrupted = wipes.list();
      for (const sessionId of interrupted) await wipeSession(sessionId);
      return interrupted;
    },
  };
}
