import type { SessionChanges } from "../modules/module-deps";
import { type Database, transaction } from "../platform/db";
import { giveWay } from "../platform/give-way";

/** A module that keeps rows per order, and drops its own rows of orders that are gone and over. */
export interface OrderRowsHolder {
  keptOrderIds(sessionId: string): string[];
  /** Inside the caller's transaction; a module keeps whatever still holds stock or money. */
  forgetOrders(sessionId: string, orderIds: readonly string[]): void;
}

export interface LeftoverSources {
  /** Of these orders, those that still exist. */
  existingOrderIds(sessionId: string, orderIds: readonly string[]): string[];
  /** Of these orders, those whose sagas still have work ahead on the bus (a compensation on its way, or a dead letter). */
  ordersWithWork(sessionId: string, orderIds: readonly string[]): string[];
  holders: readonly OrderRowsHolder[];
}

/** Orders checked per transaction while a reset's leftovers are dropped. */
export const LEFTOVER_SLICE = 250;

/**
 * Given the orders some module keeps rows of, when an order no longer exists and nothing on the
 * bus will ever touch it again, then its rows are clutter: answered here, to be dropped.
 */
export function leftoverOrders(kept: readonly string[], existing: ReadonlySet<string>, withWork: ReadonlySet<string>): string[] {
  return kept.filter((orderId) => !existing.has(orderId) && !withWork.has(orderId));
}

/**
 * After `POST /orders/reset`: the reservations, payments and notifications of the orders it
 * removed are of orders that no longer exist, and a session's disk would grow with every reset (a reservation of
 * 100 lines is about 50 KB).
 * Each module drops its own rows of those orders (no module touches another's), a slice at a
 * time, each slice one transaction that decides and drops, giving way between slices. A saga the
 * reset cut short in flight keeps its rows until its compensation is over; the next reset drops
 * them (docs/limits.md, "Disk a session can use").
 */
export function resetLeftovers(db: Database, sources: LeftoverSources, changes: SessionChanges) {
  return async (sessionId: string): Promise<number> => {
    const candidates = [...new Set(sources.holders.flatMap((holder) => holder.keptOrderIds(sessionId)))];
    let dropped = 0;
    for (let start = 0; start < candidates.length; start += LEFTOVER_SLICE) {
      const slice = candidates.slice(start, start + LEFTOVER_SLICE);
      dropped += transaction(db, () => {
        const gone = leftoverOrders(
          slice,
          new Set(sources.existingOrderIds(sessionId, slice)),
          new Set(sources.ordersWithWork(sessionId, slice)),
        );
        for (const holder of sources.holders) holder.forgetOrders(sessionId, gone);
        return gone.length;
      });
      await giveWay();
    }
    if (dropped > 0) changes.announce(sessionId, "INVENTORY_CHANGED");
    return dropped;
  };
}
