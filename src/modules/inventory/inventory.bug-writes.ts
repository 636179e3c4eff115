import type { SagaEvent, SagaReactionContext } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { InventoryBugOutcome, InventoryRules, InventoryStep } from "./inventory.bugs";
import type { InventoryStore } from "./inventory.store";
import { reservationExpiresAt } from "./reservation-rules";

/** Stock levels the `absoluteStockWrites` variant remembers between a reservation and its confirmation, at most. */
export const STOCK_READS_KEPT = 10_000;

type Change = { sessionId: string; product: string; quantity: number; now: number };

/**
 * The writes only inventory's bug variants ask for (inventory.bugs.ts), kept apart from the
 * reservation book's so that none of its guarded statements changes. Each is a real defect's
 * write: it runs only in a session that put that defect back.
 */
export function inventoryBugWrites(deps: ModuleDeps, store: InventoryStore) {
  const sqlite = deps.db.$client;
  const statements = {
    handBack: sqlite.prepare<never, [Change]>(
      `UPDATE products SET stock_level = stock_level + $quantity, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product`,
    ),
    take: sqlite.prepare<{ id: string }, [Change]>(
      `UPDATE products SET stock_level = stock_level - $quantity, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product AND stock_level - reserved >= $quantity RETURNING id`,
    ),
    confirmReleased: sqlite.prepare<{ id: string }, [{ sessionId: string; id: string; now: number }]>(
      `UPDATE reservations SET status = 'CONFIRMED', release_reason = NULL, release_cause = NULL, updated_at = $now
       WHERE session_id = $sessionId AND id = $id AND status = 'RELEASED' RETURNING id`,
    ),
    stockLevel: sqlite.prepare<{ stockLevel: number }, [{ sessionId: string; product: string }]>(
      `SELECT stock_level AS stockLevel FROM products WHERE session_id = $sessionId AND id = $product`,
    ),
    settleFromRead: sqlite.prepare<{ id: string }, [Change & { stockRead: number }]>(
      `UPDATE products SET reserved = reserved - $quantity, stock_level = $stockRead - $quantity, version = version + 1, updated_at = $now
       WHERE session_id = $sessionId AND id = $product AND reserved >= $quantity RETURNING id`,
    ),
    settleReservation: sqlite.prepare<{ id: string }, [{ sessionId: string; id: string; now: number }]>(
      `UPDATE reservations SET status = 'CONFIRMED', updated_at = $now WHERE session_id = $sessionId AND id = $id AND status = 'PENDING' RETURNING id`,
    ),
  };

  /**
   * What the buggy reservation read, per reservation: the service's memory between two
   * deliveries, like a row read in one request and written back in the next. A restart forgets
   * it (the confirmation then reads the level afresh); bounded, the oldest going first.
   */
  const stockReads = new Map<string, Map<string, number>>();
  const readKey = (sessionId: string, reservationId: string) => `${sessionId}\u0000${reservationId}`;
  const levelOf = (sessionId: string, product: string) => statements.stockLevel.get({ sessionId, product })?.stockLevel ?? 0;

  const take = (change: Change) => {
    if (!statements.take.get(change)) throw new Error(`Not enough unreserved stock of ${change.product} to take ${change.quantity} again`);
  };

  /** Carries out one bug outcome, inside the delivery's savepoint; answers its follow-ups, as the reactions' apply does. */
  function apply(
    event: SagaEvent,
    outcome: InventoryBugOutcome,
    rules: InventoryRules,
    ctx: SagaReactionContext,
  ): InventoryStep[] | undefined {
    const { sessionId } = event;
    const { now } = ctx;
    switch (outcome.type) {
      case "handBackAgain":
        for (const { product, quantity } of outcome.lines) statements.handBack.run({ sessionId, product, quantity, now });
        break;
      case "takeAgain":
        for (const { product, quantity } of outcome.lines) take({ sessionId, product, quantity, now });
        break;
      case "confirmReleased":
        if (!statements.confirmReleased.get({ sessionId, id: outcome.reservationId, now })) {
          throw new Error(`Reservation ${outcome.reservationId} is no longer RELEASED`);
        }
        for (const { product, quantity } of outcome.lines) take({ sessionId, product, quantity, now });
        break;
      case "reserveRememberingStock": {
        const expiresAt = reservationExpiresAt(now, deps.settings.of(sessionId).reservationTtlMs);
        const attempt = store.reserveStock(sessionId, event.orderId, outcome.lines, now, expiresAt);
        if (attempt.reserved) {
          stockReads.set(
            readKey(sessionId, attempt.reservationId),
            new Map(outcome.lines.map((l) => [l.product, levelOf(sessionId, l.product)])),
          );
          if (stockReads.size > STOCK_READS_KEPT) stockReads.delete(stockReads.keys().next().value as string);
        }
        return rules.reservationAttempted(attempt, outcome.forPayment);
      }
      case "settleFromStockRead": {
        const key = readKey(sessionId, outcome.reservationId);
        const read = stockReads.get(key);
        stockReads.delete(key);
        for (const { product, quantity } of outcome.lines) {
          const stockRead = read?.get(product) ?? levelOf(sessionId, product);
          if (!statements.settleFromRead.get({ sessionId, product, quantity, now, stockRead })) {
            throw new Error(
              `Reservation ${outcome.reservationId} holds ${quantity} of ${product}, which the product does not show as reserved`,
            );
          }
        }
        if (!statements.settleReservation.get({ sessionId, id: outcome.reservationId, now })) {
          throw new Error(`Reservation ${outcome.reservationId} is no longer PENDING`);
        }
        break;
      }
      case "emitWithoutOrderId":
        ctx.emit(outcome.event, { orderId: "" });
        break;
    }
    return undefined;
  }

  return { apply };
}
export type InventoryBugWrites = ReturnType<typeof inventoryBugWrites>;
