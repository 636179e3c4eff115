import type { SessionChangeFeed } from "../live/session-changes";
import type { SagaBus } from "../modules/events";
import type { Clock } from "../platform/clock";
import { giveWay } from "../platform/give-way";
import { sessionsLastActivity } from "../sessions/activity";
import {
  checkSession,
  inStableOrder,
  mostRecentlyActive,
  OVERVIEW_SESSIONS,
  type OverviewRow,
  type OverviewSources,
  type SessionOverview,
  sessionsToCheck,
} from "./overview";
import { TEACHER_REFRESH_MS } from "./teacher-stream";

/**
 * What one computation may check: sessions, most urgent first, until their orders add up to
 * this (a session with fewer orders counts as SESSION_MIN_COST): with 100 busy sessions of
 * ~220 orders, 9 sessions in 178 ms, giving way between slices (`bun tests/bench/teacher-overview.ts`).
 * The rest keep their rows, and their age, until a later computation.
 */
export const OVERVIEW_ORDERS_PER_COMPUTATION = 2_000;
/** The fixed part of a session's check (its stock, its summary, its sagas' progress), in orders. */
export const SESSION_MIN_COST = 25;
/** However many viewers ask, a computation starts at most once per this many ms: as often as the page is told to refresh. */
export const OVERVIEW_MIN_INTERVAL_MS = TEACHER_REFRESH_MS;

export interface OverviewLimits {
  ordersPerComputation: number;
  minIntervalMs: number;
}
export const defaultOverviewLimits: OverviewLimits = {
  ordersPerComputation: OVERVIEW_ORDERS_PER_COMPUTATION,
  minIntervalMs: OVERVIEW_MIN_INTERVAL_MS,
};

/** What one computation did. */
export interface ComputationCost {
  sessionsChecked: number;
  ordersChecked: number;
  ms: number;
}

export interface OverviewSnapshot {
  /** When the last computation finished (ms since the epoch): the answer's age. */
  computedAt: number;
  rows: OverviewRow[];
  /** The shown sessions' names (a session with none is absent). */
  names: ReadonlyMap<string, string>;
}

/**
 * The teacher's overview, kept up to date a little at a time. A full check of a busy class
 * takes seconds, and the page asks again every second: computing it per request never
 * finished and pinned a core. So:
 * - at most one computation runs at a time, and one starts at most once a second, whatever
 *   the number of viewers, only when asked, and only if something changed (or a saga passed
 *   its deadline): a class with nobody watching costs nothing; any other request answers the
 *   latest computed overview, with its age, at once;
 * - a computation checks again only the shown sessions something happened to since their last
 *   check (the bus's announcements and the session change feed say which), the most urgent
 *   first, within OVERVIEW_ORDERS_PER_COMPUTATION; every other row is kept as it was checked.
 * Which sessions exist and when they were last active is read once, at the first request (the
 * one scan), then followed from the same announcements; each check re-reads its session's own.
 */
export class OverviewCache {
  private readonly lastActivity = new Map<string, number>();
  private readonly rows = new Map<string, SessionOverview>();
  /** The sessions' names: all read with the one scan, then each checked session's afresh (naming one announces SESSION_NAMED). */
  private readonly names = new Map<string, string>();
  private readonly changed = new Set<string>();
  private readonly listeners = new Set<(cost: ComputationCost) => void>();
  private snapshot: OverviewSnapshot | null = null;
  private inFlight: Promise<void> | null = null;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private watching = false;
  private failure: unknown = null;
  /** Computations run and sessions checked since start-up (what the overview has cost). */
  readonly work = { computations: 0, sessionsChecked: 0, ordersChecked: 0 };

  constructor(
    private readonly sources: OverviewSources,
    private readonly clock: Clock,
    feeds: { bus: Pick<SagaBus, "listen">; changes: Pick<SessionChangeFeed, "listen"> },
    private readonly limits: OverviewLimits = defaultOverviewLimits,
  ) {
    feeds.bus.listen((committed) => {
      for (const event of committed) this.touched(event.sessionId, event.timestamp);
    });
    feeds.changes.listen((sessionId) => this.touched(sessionId, this.clock.now()));
  }

  /**
   * The overview for one request. While a computation runs, the last one's answer, at once
   * (the first request waits for the first); otherwise, when something is worth checking
   * again, a new computation (bounded: see above) that this request waits for.
   */
  async current(): Promise<OverviewSnapshot> {
    if (this.inFlight !== null) {
      if (this.snapshot !== null) return this.snapshot;
      await this.inFlight;
    } else if (this.worthComputing()) {
      // Logged here, so a computation nobody waits for any more never fails unhandled.
      this.inFlight = this.compute()
        .then(() => {
          this.failure = null;
        })
        .catch((error: unknown) => {
          this.failure = error;
          console.error("the teacher's overview failed", error);
        })
        .finally(() => {
          this.inFlight = null;
        });
      await this.inFlight;
    }
    if (this.snapshot === null) throw this.failure;
    return this.snapshot;
  }

  /** Told after each computation, with what it cost (the overview stream tells its viewers to ask again; the metrics count it). */
  listen(listener: (cost: ComputationCost) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private touched(sessionId: string, at: number): void {
    // Until someone first asks, the overview keeps nothing: the first computation reads it all.
    if (!this.watching) return;
    this.lastActivity.set(sessionId, Math.max(this.lastActivity.get(sessionId) ?? 0, at));
    this.changed.add(sessionId);
  }

  private worthComputing(): boolean {
    if (this.snapshot === null) return true;
    const now = this.clock.now();
    if (now - this.lastStartedAt < this.limits.minIntervalMs) return false;
    // A changed session not shown yet may have just become one of the most recent.
    const shown = this.snapshot.rows.map((row) => row.sessionId);
    return this.changed.size > 0 || sessionsToCheck({ shown, rows: this.rows, changed: this.changed, now }).length > 0;
  }

  private async compute(): Promise<void> {
    const started = performance.now();
    const before = { ...this.work };
    this.lastStartedAt = this.clock.now();
    this.work.computations += 1;
    if (!this.watching) {
      this.watching = true;
      for (const [sessionId, at] of sessionsLastActivity(this.sources)) this.lastActivity.set(sessionId, at);
      for (const [sessionId, name] of this.sources.names.all()) this.names.set(sessionId, name);
    }
    let shown = mostRecentlyActive(this.lastActivity, OVERVIEW_SESSIONS);
    this.forgetAllBut(shown);
    let spent = 0;
    for (const sessionId of sessionsToCheck({ shown, rows: this.rows, changed: this.changed, now: this.clock.now() })) {
      if (spent >= this.limits.ordersPerComputation) break;
      // Forgotten before the check: whatever happens to the session meanwhile marks it again.
      this.changed.delete(sessionId);
      const row = await checkSession(this.sources, sessionId, this.clock.now());
      const name = row === null ? null : this.sources.names.of(sessionId);
      if (name === null) this.names.delete(sessionId);
      else this.names.set(sessionId, name);
      if (row === null) {
        this.lastActivity.delete(sessionId);
        this.rows.delete(sessionId);
      } else {
        this.lastActivity.set(sessionId, row.lastActivity);
        this.rows.set(sessionId, row);
      }
      this.work.sessionsChecked += 1;
      this.work.ordersChecked += row?.orders ?? 0;
      spent += Math.max(row?.orders ?? 0, SESSION_MIN_COST);
      await giveWay();
    }
    shown = mostRecentlyActive(this.lastActivity, OVERVIEW_SESSIONS);
    const names = this.names;
    this.snapshot = {
      computedAt: this.clock.now(),
      // Which sessions are shown follows activity; where each is listed does not (inStableOrder).
      rows: inStableOrder(
        shown.map(
          (sessionId) => this.rows.get(sessionId) ?? { sessionId, lastActivity: this.lastActivity.get(sessionId) ?? 0, checkedAt: null },
        ),
        (sessionId) => names.get(sessionId),
      ),
      names: new Map(shown.flatMap((sessionId) => (this.names.has(sessionId) ? [[sessionId, this.names.get(sessionId) as string]] : []))),
    };
    const cost: ComputationCost = {
      sessionsChecked: this.work.sessionsChecked - before.sessionsChecked,
      ordersChecked: this.work.ordersChecked - before.ordersChecked,
      // Wall time, giving way included: how long the answer took, not how long the event loop was held.
      ms: performance.now() - started,
    };
    for (const listener of this.listeners) listener(cost);
  }

  /** Rows and marks are kept for the shown sessions only: one that comes back into view is checked afresh. */
  private forgetAllBut(shown: readonly string[]): void {
    const keep = new Set(shown);
    for (const sessionId of this.rows.keys()) if (!keep.has(sessionId)) this.rows.delete(sessionId);
    for (const sessionId of this.changed) if (!keep.has(sessionId)) this.changed.delete(sessionId);
  }
}
