import { QuotaExceededError } from "../../platform/errors";
import type { ModuleDeps } from "../module-deps";
import { decidePlaceOrder, type SessionUsage } from "./orders.decide";
import type { OrdersStatements } from "./orders.sql";

/**
 * A session's orders and lines, kept in memory once counted (one count per session, not one
 * per order), moved with each order placed and forgotten on a reset or a wipe. The count is
 * taken inside the order's own savepoint, so concurrent orders see each other.
 */
export function sessionQuota(deps: Pick<ModuleDeps, "config">, statements: OrdersStatements) {
  const usage = new Map<string, SessionUsage>();
  return {
    /** Counts an order of `lines` lines against the session's quotas, or refuses it (429) as decidePlaceOrder says. */
    take(sessionId: string, lines: number): void {
      const used = usage.get(sessionId) ?? statements.sessionUsage.get({ sessionId }) ?? { orders: 0, lines: 0 };
      const decision = decidePlaceOrder(used, lines, deps.config);
      if (decision.type === "refuse") throw new QuotaExceededError(decision.reason);
      usage.set(sessionId, decision.usage);
    },
    /** The count is stale (a rollback, a reset, a wipe): it is taken again from the table on the next order. */
    forget(sessionId: string): void {
      usage.delete(sessionId);
    },
  };
}
export type SessionQuota = ReturnType<typeof sessionQuota>;
