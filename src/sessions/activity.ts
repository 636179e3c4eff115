import type { InventoryModule } from "../modules/inventory";
import type { OrdersModule } from "../modules/orders";

export interface ActivitySources {
  orders: Pick<OrdersModule["queries"], "sessionSummaries">;
  inventory: Pick<InventoryModule["queries"], "sessionActivity">;
}

/**
 * Every session that has a catalog or an order (or only `sessionId`, when given: an index
 * search, not a scan), with when something of it last changed (ms since the epoch): read
 * through the modules' public queries. The teacher's overview lists them; the idle purge wipes
 * the ones quiet for too long.
 */
export function sessionsLastActivity(sources: ActivitySources, only?: string): Map<string, number> {
  const lastActivity = new Map<string, number>();
  for (const { sessionId, lastActivity: at } of [...sources.inventory.sessionActivity(only), ...sources.orders.sessionSummaries(only)]) {
    lastActivity.set(sessionId, Math.max(lastActivity.get(sessionId) ?? 0, at));
  }
  return lastActivity;
}

/** Wipes every session with nothing changed for `idleMs` (`SESSION_IDLE_TTL`), one after another; answers which. */
export async function purgeIdleSessions(
  sources: ActivitySources & { wipe: (sessionId: string) => Promise<unknown> },
  now: number,
  idleMs: number,
): Promise<string[]> {
  const idle = [...sessionsLastActivity(sources)].filter(([, at]) => now - at > idleMs).map(([sessionId]) => sessionId);
  for (const sessionId of idle) await sources.wipe(sessionId);
  return idle;
}
