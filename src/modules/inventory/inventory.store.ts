import { and, eq, inArray, sql } from "drizzle-orm";
import { transaction } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import type { OrderLine } from "../saga-terms";
import type { InventoryOutcome, ReservationAttempt, ReservationState } from "./inventory.decide";
import type { PricedLine } from "./inventory.events";
import { availableOf } from "./inventory.queries";
import { type InventoryStatements, products, type ReservationRow, reservationLines, reservations } from "./inventory.sql";
import { reservationIdOf } from "./reservation-rules";

/** Thrown inside the savepoint to undo the lines already reserved when another line is short. */
class Shortage extends Error {}

/**
 * The reservation book: every write to a reservation and the stock it holds. The reactions
 * load and carry out through it; the catalog's reset and an orders reset drop reservations
 * through it, so units are handed back by one rule.
 */
export function inventoryStore(deps: ModuleDeps, statements: InventoryStatements) {
  const { db } = deps;

  /** Per product, the units these reservations hold (their lines, summed by SQL). */
  function unitsOf(sessionId: string, reservationIds: readonly string[]) {
    return db
      .select({ productId: reservationLines.productId, units: sql<number>`sum(${reservationLines.quantity})` })
      .from(reservationLines)
      .where(and(eq(reservationLines.sessionId, sessionId), inArray(reservationLines.reservationId, [...reservationIds])))
      .groupBy(reservationLines.productId)
      .all();
  }

  function stateOf(sessionId: string, reservation: ReservationRow | null): ReservationState {
    if (!reservation) return undefined;
    const { id, status, restockedAt, releaseReason, releaseCause } = reservation;
    const released = status === "RELEASED" ? { reason: releaseReason ?? "", cause: releaseCause } : undefined;
    const lines = statements.reservationLines.all({ sessionId, reservationId: id });
    return { id, status, lines, restocked: restockedAt !== null, released };
  }

  return {
    /** Per product, the units the session's confirmed reservations took and have not put back. */
    soldUnits(sessionId: string) {
      return db
        .select({ productId: reservationLines.productId, units: sql<number>`sum(${reservationLines.quantity})` })
        .from(reservationLines)
        .innerJoin(
          reservations,
          and(eq(reservations.sessionId, reservationLines.sessionId), eq(reservations.id, reservationLines.reservationId)),
        )
        .where(
          and(eq(reservationLines.sessionId, sessionId), eq(reservations.status, "CONFIRMED"), sql`${reservations.restockedAt} IS NULL`),
        )
        .groupBy(reservationLines.productId)
        .all();
    },

    /** The order's reservation with its lines, as inventory's decisions read it. */
    reservationState(sessionId: string, orderId: string): ReservationState {
      return stateOf(sessionId, statements.reservationOfOrder.get({ sessionId, orderId }));
    },

    /** How many reservations the session keeps (what a call may add to is bounded by the orders quota). */
    reservationCount(sessionId: string): number {
      return statements.reservationCount.get({ sessionId })?.count ?? 0;
    },

    /** A reservation named by its id (a call's reservation_id), with the order (reference) it is for. */
    reservationById(sessionId: string, id: string): { orderId: string; state: ReservationState } | undefined {
      const row = statements.reservationById.get({ sessionId, id });
      return row ? { orderId: row.orderId, state: stateOf(sessionId, row) } : undefined;
    },

    /**
     * All or nothing: each product is one conditional UPDATE (`stock_level - reserved >= qty`)
     * inside a savepoint; if any is short, the savepoint is rolled back and every short line is
     * reported with what is available now.
     */
    reserveStock(
      sessionId: string,
      orderId: string,
      lines: readonly OrderLine[],
      now: number,
      expiresAt: number | null,
    ): ReservationAttempt {
      const priced: PricedLine[] = [];
      const shortIds: string[] = [];
      try {
        transaction(db, () => {
          for (const line of lines) {
            const row = statements.reserveLine.get({ sessionId, product: line.product, quantity: line.quantity, now });
            if (row) priced.push({ ...line, priceCents: row.priceCents });
            else shortIds.push(line.product);
          }
          if (shortIds.length > 0) throw new Shortage();
        });
      } catch (error) {
        if (!(error instanceof Shortage)) throw error;
        const available = availableOf(db, sessionId, shortIds);
        const short = lines
          .filter((line) => shortIds.includes(line.product))
          .map((line) => ({
            product: line.product,
            requested: line.quantity,
            available: available.get(line.product) ?? 0,
            known: available.has(line.product),
          }));
        return { reserved: false, short };
      }
      const reservationId = reservationIdOf(deps.ids.uuid());
      statements.insertReservation.run({ id: reservationId, sessionId, orderId, expiresAt, now });
      for (const line of priced) statements.insertReservationLine.run({ sessionId, reservationId, ...line });
      return { reserved: true, reservationId, items: priced, expiresAt };
    },

    /** Puts a cancelled completed order's units back in stock, once. */
    restockReservation(sessionId: string, reservationId: string, lines: readonly PricedLine[], now: number): void {
      if (!statements.markRestocked.get({ sessionId, id: reservationId, now })) {
        throw new Error(`Reservation ${reservationId} is not a CONFIRMED reservation waiting to be restocked`);
      }
      for (const line of lines) statements.restockLine.run({ sessionId, product: line.product, quantity: line.quantity, now });
    },

    /** The order was cancelled before any stock was reserved for it: its books are closed, holding nothing. */
    closeUnreserved(
      sessionId: string,
      orderId: string,
      closed: { reservationId: string; reason: string; cause: string },
      now: number,
    ): void {
      const { reservationId: id, reason: releaseReason, cause: releaseCause } = closed;
      statements.insertClosedReservation.run({ sessionId, id, orderId, releaseReason, releaseCause, now });
    },

    /**
     * Settles a PENDING reservation: CONFIRMED takes the units out of stock for good, RELEASED
     * hands them back. Each product line is a guarded UPDATE; a line that does not apply means
     * the books are broken, so it throws and the delivery is retried rather than half-applied.
     */
    settleReservation(sessionId: string, settle: Extract<InventoryOutcome, { type: "settle" }>, now: number): void {
      const { reservationId, lines, to } = settle;
      for (const line of lines) {
        const applied = statements.settleLine[to].get({ sessionId, product: line.product, quantity: line.quantity, now });
        if (!applied) {
          throw new Error(
            `Reservation ${reservationId} holds ${line.quantity} of ${line.product}, which the product does not show as reserved`,
          );
        }
      }
      const releaseReason = settle.to === "RELEASED" ? settle.reason : null;
      const releaseCause = settle.to === "RELEASED" ? settle.cause : null;
      const moved = statements.settleReservation.get({ sessionId, id: reservationId, status: to, releaseReason, releaseCause, now });
      if (!moved) throw new Error(`Reservation ${reservationId} is no longer PENDING`);
    },

    /** These reservations' held units handed back to their products (they are about to be dropped while PENDING). */
    handBack(sessionId: string, reservationIds: readonly string[]): void {
      if (reservationIds.length === 0) return;
      for (const { productId, units } of unitsOf(sessionId, reservationIds)) {
        db.update(products)
          .set({ reserved: sql`${products.reserved} - ${units}` })
          .where(and(eq(products.sessionId, sessionId), eq(products.id, productId)))
          .run();
      }
    },

    /** These confirmed reservations' units counted as sold for good (`sold_to_reset_orders`), so stock stays conserved once they are gone. */
    countAsSold(sessionId: string, reservationIds: readonly string[]): void {
      if (reservationIds.length === 0) return;
      for (const { productId, units } of unitsOf(sessionId, reservationIds)) {
        db.update(products)
          .set({ soldToResetOrders: sql`${products.soldToResetOrders} + ${units}` })
          .where(and(eq(products.sessionId, sessionId), eq(products.id, productId)))
          .run();
      }
    },

    /** These reservations gone; their lines go with them (ON DELETE CASCADE). */
    drop(sessionId: string, reservationIds: readonly string[]): void {
      db.delete(reservations)
        .where(and(eq(reservations.sessionId, sessionId), inArray(reservations.id, [...reservationIds])))
        .run();
    },
  };
}
export type InventoryStore = ReturnType<typeof inventoryStore>;
