import { giveWay } from "../platform/give-way";
import type { ConsistencyReport } from "../consistency/invariants";
import type { InventoryModule } from "../modules/inventory";
import type { OrdersModule } from "../modules/orders";
import type { SagaAdmin } from "../sagas/sagas";
import { sessionsLastActivity } from "../sessions/activity";

/** The teacher's overview shows at most this many sessions, the most recently active first. */
export const OVERVIEW_SESSIONS = 100;

export interface OverviewSources {
  orders: Pick<OrdersModule["queries"], "sessionSummaries">;
  inventory: Pick<InventoryModule["queries"], "sessionActivity">;
  sagas: Pick<SagaAdmin, "listSagas">;
  checkConsistency: (sessionId: string) => Promise<ConsistencyReport>;
}

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
  lastActivity: number;
}

/**
 * Every active session of the server, for the teacher: a session is active once it has a
 * catalog or an order. Read through the modules' public queries, the saga admin and the
 * invariant checker, like any other view; nothing here lists sessions to anyone else.
 */
export async function sessionsOverview(sources: OverviewSources): Promise<SessionOverview[]> {
  const summaries = new Map(sources.orders.sessionSummaries().map((s) => [s.sessionId, s]));
  const shown = [...sessionsLastActivity(sources)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, OVERVIEW_SESSIONS);
  const overview: SessionOverview[] = [];
  // One session at a time, giving way between them: a class of big sessions must not hold up their requests.
  for (const [sessionId, at] of shown) {
    const summary = summaries.get(sessionId);
    const sagas = summary ? sources.sagas.listSagas(sessionId, { limit: Number.MAX_SAFE_INTEGER }) : [];
    const report = await sources.checkConsistency(sessionId);
    overview.push({
      sessionId,
      orders: summary?.orders ?? 0,
      completed: summary?.completed ?? 0,
      cancelled: summary?.cancelled ?? 0,
      running: sagas.filter((s) => s.status === "running").length,
      stuck: sagas.filter((s) => s.status === "stuck").length,
      deadLetters: sagas.reduce((n, s) => n + s.deadLetters, 0),
      consistent: report.consistent,
      violations: report.violations.length,
      lastActivity: at,
    });
    await giveWay();
  }
  return overview;
}
