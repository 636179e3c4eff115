import type { SessionChanges } from "../modules/module-deps";
import { type Database, transaction } from "../platform/db";

/** Anything that keeps rows (or memory) of a session and can drop them all. */
export interface SessionHolder {
  forgetSession(sessionId: string): Record<string, number> | void;
}

/**
 * `DELETE /session`: every row of the session, in every table, in one transaction, then every
 * in-memory trace of it; answers how many rows each table lost. Open screens of the session hear
 * that everything changed. Each module drops its own tables: none reaches into another's.
 */
export function sessionWipe(db: Database, holders: readonly SessionHolder[], changes: SessionChanges) {
  return (sessionId: string): Record<string, number> => {
    const deleted = transaction(db, () => {
      const counts: Record<string, number> = {};
      for (const holder of holders) Object.assign(counts, holder.forgetSession(sessionId) ?? {});
      return counts;
    });
    for (const change of ["ORDERS_RESET", "INVENTORY_CHANGED", "PAYMENTS_RESET", "SETTINGS_CHANGED"] as const) {
      changes.announce(sessionId, change);
    }
    return deleted;
  };
}
