import type { Deps } from "../../platform/deps";
import type { Reaction, ReactionContext } from "../../bus/bus";
import type { ReservationRow } from "./inventory.sql";
import { orderEventsOfType } from "../../bus/event-log";
import { behaviourFails, describeShortage } from "./reservation-rules";
import { findReservation, reserveStock, settleReservation } from "./inventory.service";

/**
 * Hands a reservation's units back (if it is still there) and says so. The order then reads
 * `cause` as its cancellationSource.
 */
function releaseStock(
  { tx, now, emit }: ReactionContext,
  reservation: ReservationRow | undefined,
  cause: "payment_failed" | "operator",
  reason: string,
): void {
  const items = reservation ? settleReservation(tx, reservation, "RELEASED", now) : [];
  emit({ type: "INVENTORY_RELEASED", data: { reservationId: reservation?.id ?? null, items, cause, reason } });
}

export function inventoryReactions(deps: Deps) {
  const reserveStockWhenOrderCreated: Reaction<"ORDER_CREATED"> = {
    name: "inventory.reserveStockWhenOrderCreated",
    on: "ORDER_CREATED",
    delayMs: (event) => (event.data.skipDemoDelays ? 0 : deps.config.inventoryDelayMs),
    handle: (event, { tx, now, emit }) => {
      // After an inventory reset the processed record and the reservation are gone, but a
      // redelivery must still not decide twice: the log remembers the first decision.
      if (findReservation(tx, event.sessionId, event.orderId)) return;
      const decided = orderEventsOfType(tx, event.sessionId, event.orderId, ["INVENTORY_RESERVED", "INVENTORY_FAILED"]);
      if (decided.some((e) => e.type === "INVENTORY_RESERVED" || e.data.stage === "reserve")) return;
      const { items, inventoryBehaviour, paymentBehaviour, skipDemoDelays } = event.data;
      if (behaviourFails(inventoryBehaviour, deps.random)) {
        emit({
          type: "INVENTORY_FAILED",
          data: { stage: "reserve", reason: `Simulated inventory failure (inventoryBehaviour: ${inventoryBehaviour})`, items: [] },
        });
        return;
      }
      const outcome = reserveStock(tx, deps, event.sessionId, event.orderId, items, now);
      if (!outcome.reserved) {
        const short = outcome.short.map(({ product, requested, available }) => ({ product, requested, available }));
        emit({ type: "INVENTORY_FAILED", data: { stage: "reserve", reason: describeShortage(outcome.short), items: short } });
        return;
      }
      emit({
        type: "INVENTORY_RESERVED",
        data: {
          reservationId: outcome.reservationId,
          items: outcome.items,
          totalCents: outcome.totalCents,
          paymentBehaviour,
          skipDemoDelays,
        },
      });
    },
  };

  const confirmReservationWhenPaid: Reaction<"PAYMENT_SUCCESS"> = {
    name: "inventory.confirmReservationWhenPaid",
    on: "PAYMENT_SUCCESS",
    handle: (event, { tx, now, emit }) => {
      const reservation = findReservation(tx, event.sessionId, event.orderId);
      if (reservation?.status === "CONFIRMED") return;
      // A duplicate after an inventory reset: already confirmed (or refused) before the reset.
      const settled = orderEventsOfType(tx, event.sessionId, event.orderId, ["INVENTORY_CONFIRMED", "INVENTORY_FAILED"]);
      if (settled.some((e) => e.type === "INVENTORY_CONFIRMED" || e.data.stage === "confirm")) return;
      if (reservation?.status !== "PENDING") {
        // The stock was paid for but is no longer held (an inventory reset): the payment is refunded.
        emit({
          type: "INVENTORY_FAILED",
          data: { stage: "confirm", reason: "the reservation was no longer held (inventory reset)", items: [] },
        });
        return;
      }
      const items = settleReservation(tx, reservation, "CONFIRMED", now);
      const totalCents = items.reduce((total, line) => total + line.quantity * line.priceCents, 0);
      emit({ type: "INVENTORY_CONFIRMED", data: { reservationId: reservation.id, items, totalCents } });
    },
  };

  const releaseReservationWhenPaymentFailed: Reaction<"PAYMENT_FAILED"> = {
    name: "inventory.releaseReservationWhenPaymentFailed",
    on: "PAYMENT_FAILED",
    handle: (event, ctx) => {
      const reservation = findReservation(ctx.tx, event.sessionId, event.orderId);
      if (reservation && reservation.status !== "PENDING") return;
      if (!reservation && orderEventsOfType(ctx.tx, event.sessionId, event.orderId, ["INVENTORY_RELEASED"]).length > 0) return;
      releaseStock(ctx, reservation, "payment_failed", `Payment failed: ${event.data.reason}`);
    },
  };

  /**
   * An order cancelled with its stock still held (an orders reset cut its saga short) gets the
   * stock back. Every other cancellation comes after the stock was settled, so this is a no-op there.
   */
  const releaseReservationWhenOrderCancelled: Reaction<"ORDER_CANCELLED"> = {
    name: "inventory.releaseReservationWhenOrderCancelled",
    on: "ORDER_CANCELLED",
    handle: (event, ctx) => {
      const reservation = findReservation(ctx.tx, event.sessionId, event.orderId);
      if (reservation?.status !== "PENDING") return;
      releaseStock(ctx, reservation, "operator", `Order cancelled: ${event.data.reason}`);
    },
  };

  return [
    reserveStockWhenOrderCreated,
    confirmReservationWhenPaid,
    releaseReservationWhenPaymentFailed,
    releaseReservationWhenOrderCancelled,
  ] as const;
}
