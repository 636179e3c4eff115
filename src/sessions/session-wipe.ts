import type { SessionChanges } from "../modules/module-deps";
import { type Database, deleteSomeSessionRows, transaction } from "../platform/db";
import { giveWay } from "../platform/give-way";

/** Anything that keeps rows (or memory) of a session and can drop them all. */
export interface SessionHolder {
  forgetSession(sessionId: string): Record<string, number> | void;
  /** The tables where it keeps a session's rows, children first: emptied a slice at a time before `forgetSession`. */
  readonly sessionTables?: readonly string[];
}

/** Rows deleted per statement while a session is wiped (a few milliseconds of work). */
export const WIPE_SLICE = 2_000;

/**
 * `DELETE /session`: every row of the session, in every table, then every in-memory trace of
 * it; answers how many rows each table lost. Open screens of the session hear that everything
 * changed. Each holder drops its own tables: none reaches into another's.
 *
 * A session may keep a hundred thousand rows, and the server is shared, so the tables are first
 * emptied WIPE_SLICE rows at a time, giving way to other requests between slices: the bus's
 * schedule and log first (so its sagas stop moving), then each module's tables, children
 * first. Whatever the session wrote meanwhile goes in a last transaction, with the memory.
 */
export function sessionWipe(
  db: Database,
  holders: readonly SessionHolder[],
  changes: SessionChanges,
  /** Told once the session has no row left and its screens were told (the session census). */
  wiped: (sessionId: string) => void = () => {},
) {
  return async (sessionId: string): Promise<Record<string, number>> => {
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
    });
    for (const change of ["ORDERS_RESET", "INVENTORY_CHANGED", "PAYMENTS_RESET", "SETTINGS_CHANGED"] as const) {
      changes.announce(sessionId, change);
    }
    wiped(sessionId);
    return deleted;
  };
}
