import type { InventoryModule } from "../modules/inventory";
import type { OrdersModule } from "../modules/orders";
import type { SessionHolder } from "./session-wipe";

export interface ActivitySources {
  orders: Pick<OrdersModule["queries"], "sessionSummaries">;
  inventory: Pick<InventoryModule["queries"], "sessionActivity">;
}

/**
 * Every session that has a catalog or an order (or only `sessionId`, when given: an index
 * search, not a scan), with when something of it last changed (ms since the epoch): read
 * through the modules' public queries. The teacher's overview lists them; the idle purge wipes
 * the ones quiet for too long (looking wider: `everySessionsLastActivity`).
 */
export function sessionsLastActivity(sources: ActivitySources, only?: string): Map<string, number> {
  const lastActivity = new Map<string, number>();
  for (const { sessionId, lastActivity: at } of [...sources.inventory.sessionActivity(only), ...sources.orders.sessionSummaries(only)]) {
    lastActivity.set(sessionId, Math.max(lastActivity.get(sessionId) ?? 0, at));
  }
  return lastActivity;
}

/**
 * The idle purge's notion of a session: every session any holder keeps a row of (a catalog, an
 * order, a notification, a knob, its log's numbering, ...), with the latest change any of them
 * knows of. A session with nothing but notifications or settings is a session too: its rows
 * (a customer's e-mail address among them) must not stay forever.
 */
export function everySessionsLastActivity(holders: readonly SessionHolder[]): Map<string, number> {
  const lastActivity = new Map<string, number>();
  for (const { sessionId, lastActivity: at } of holders.flatMap((holder) => holder.sessionActivity?.() ?? [])) {
    lastActivity.set(sessionId, Math.max(lastActivity.get(sessionId) ?? 0, at));
  }
  return lastActivity;
}

/** The sessions with nothing changed for more than `idleMs` by `now`, in any of their rows. */
export function idleSessions(lastActivity: ReadonlyMap<string, number>, now: number, idleMs: number): string[] {
  return [...lastActivity].filter(([, at]) => now - at > idleMs).map(([sessionId]) => sessionId);
}

/** Wipes every session with nothing changed for `idleMs` (`SESSION_IDLE_TTL`), one after another; answers which. */
export async function purgeIdleSessions(
  sources: { holders: readonly SessionHolder[]; wipe: (sessionId: string) => Promise<unknown> },
  now: number,
  idleMs: number,
): Promise<string[]> {
  const idle = idleSessions(everySessionsLastActivity(sources.holders), now, idleMs);
  for (const sessionId of idle) await sources.wipe(sessionId);
  return idle;
}
