import type { ConsistencyReport } from "../consistency/invariants";
import type { BugSwitch } from "../modules/bugs";
import type { InventoryModule } from "../modules/inventory";
import type { OrdersModule } from "../modules/orders";
import type { SettingsReader } from "../modules/session-settings";
import type { SagaAdmin } from "../sagas/sagas";
import { sessionsLastActivity } from "../sessions/activity";
import type { SessionNames } from "../sessions/session-names";

/** The teacher's overview shows at most this many sessions: the most recently active (listed in a stable order, see inStableOrder). */
export const OVERVIEW_SESSIONS = 100;

export interface OverviewSources {
  orders: Pick<OrdersModule["queries"], "sessionSummaries">;
  inventory: Pick<InventoryModule["queries"], "sessionActivity">;
  sagas: Pick<SagaAdmin, "listSagas">;
  settings: SettingsReader;
  names: Pick<SessionNames, "of" | "all">;
  checkConsistency: (sessionId: string) => Promise<ConsistencyReport>;
}

/** One session's row, as it was when it was checked. */
export interface SessionOverview {
  sessionId: string;
  orders: number;
  completed: number;
  cancelled: number;
  running: number;
  stuck: number;
  deadLetters: number;
  consistent: boolean;
  violations: number;
  /** The "Break it" switches on in the session: its violations may be on purpose. */
  bugs: readonly BugSwitch[];
  lastActivity: number;
  checkedAt: number;
  /** When a running saga passes its deadline and turns stuck with no event to say so (null: none runs). */
  recheckAt: number | null;
}

/** A session listed before its first check: only its last activity is known. */
export interface SessionNotYetChecked {
  sessionId: string;
  lastActivity: number;
  checkedAt: null;
}

export type OverviewRow = SessionOverview | SessionNotYetChecked;

/**
 * One session's row, read through the modules' public queries, the saga admin and the
 * invariant checker like any other view; null when the session has neither a catalog nor an
 * order (any more). Its cost grows with the session's orders: the check reads all of them.
 */
export async function checkSession(sources: OverviewSources, sessionId: string, now: number): Promise<SessionOverview | null> {
  const lastActivity = sessionsLastActivity(sources, sessionId).get(sessionId);
  if (lastActivity === undefined) return null;
  const summary = sources.orders.sessionSummaries(sessionId)[0];
  const sagas = summary ? sources.sagas.listSagas(sessionId, { limit: Number.MAX_SAFE_INTEGER }) : [];
  const report = await sources.checkConsistency(sessionId);
  const { orderTimeoutMs: timeoutMs, bugs } = sources.settings.of(sessionId);
  const deadlines = sagas.filter((s) => s.status === "running").map((s) => Date.parse(s.startedAt) + timeoutMs);
  return {
    sessionId,
    orders: summary?.orders ?? 0,
    completed: summary?.completed ?? 0,
    cancelled: summary?.cancelled ?? 0,
    running: sagas.filter((s) => s.status === "running").length,
    stuck: sagas.filter((s) => s.status === "stuck").length,
    deadLetters: sagas.reduce((n, s) => n + s.deadLetters, 0),
    consistent: report.consistent,
    violations: report.violations.length,
    bugs,
    lastActivity,
    checkedAt: now,
    // A saga is stuck once the clock is past its deadline (sagas.ts), so the row is stale from just after it.
    recheckAt: deadlines.length === 0 ? null : Math.min(...deadlines) + 1,
  };
}

/** What the overview knows when it plans a computation. */
export interface OverviewState {
  /** The sessions shown, most recently active first. */
  shown: readonly string[];
  rows: ReadonlyMap<string, SessionOverview>;
  /** Sessions something happened to since their row was checked. */
  changed: ReadonlySet<string>;
  now: number;
}

/**
 * Which shown sessions need checking, most urgent first: those never checked (most recent
 * first), then those changed or past a saga's deadline (longest unchecked first). A session
 * nothing happened to keeps its row: it is not checked again. Pure.
 */
export function sessionsToCheck({ shown, rows, changed, now }: OverviewState): string[] {
  const unchecked = shown.filter((sessionId) => !rows.has(sessionId));
  const stale = shown
    .map((sessionId) => rows.get(sessionId))
    .filter((row): row is SessionOverview => row !== undefined)
    .filter((row) => changed.has(row.sessionId) || (row.recheckAt !== null && now >= row.recheckAt))
    .sort((a, b) => a.checkedAt - b.checkedAt || a.sessionId.localeCompare(b.sessionId))
    .map((row) => row.sessionId);
  return [...unchecked, ...stale];
}

/** The shown sessions: the most recently active first, ties by id. Pure. */
export function mostRecentlyActive(lastActivity: ReadonlyMap<string, number>, limit: number): string[] {
  return [...lastActivity]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([sessionId]) => sessionId);
}

/**
 * The order the overview lists its sessions in: by name (case-insensitive), then by id; the
 * sessions with no name after the named ones, by id. Activity plays no part, so a busy session
 * keeps its place and a row can be clicked while the class works (re-sorting by last activity
 * moved rows about once a second). Pure.
 */
export function inStableOrder<T extends { sessionId: string }>(rows: readonly T[], nameOf: (sessionId: string) => string | undefined): T[] {
  const byId = (a: T, b: T) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0);
  const keyed = rows.map((row) => ({ row, name: nameOf(row.sessionId)?.toLocaleLowerCase("en") }));
  return keyed
    .sort((a, b) => {
      if (a.name === undefined || b.name === undefined) return a.name === b.name ? byId(a.row, b.row) : a.name === undefined ? 1 : -1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : byId(a.row, b.row);
    })
    .map(({ row }) => row);
}

/** The room at a glance: the shown sessions and their orders and violations, summed. */
export interface RoomTotals {
  sessions: number;
  /** Sessions listed but not checked yet: their numbers are not in the sums. */
  notYetChecked: number;
  completed: number;
  cancelled: number;
  running: number;
  violations: number;
}

/** The rows' sums, from the rows already computed (no query of its own). Pure. */
export function roomTotals(rows: readonly OverviewRow[]): RoomTotals {
  const totals: RoomTotals = { sessions: rows.length, notYetChecked: 0, completed: 0, cancelled: 0, running: 0, violations: 0 };
  for (const row of rows) {
    if (row.checkedAt === null) {
      totals.notYetChecked += 1;
      continue;
    }
    totals.completed += row.completed;
    totals.cancelled += row.cancelled;
    totals.running += row.running;
    totals.violations += row.violations;
  }
  return totals;
}
