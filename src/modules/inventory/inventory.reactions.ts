import type { Deps } from "../../platform/deps";
import type { Reaction } from "../../bus/bus";
import { behaviourFails, describeShortage } from "./reservation-rules";
import { findReservation, reserveStock, settleReservation } from "./inventory.service";

export function inventoryReactions(deps: Deps) {
  const reserveStockWhenOrderCreated: Reaction<"ORDER_CREATED"> = {
    name: "inventory.reserveStockWhenOrderCreated",
    on: "ORDER_CREATED",
    delayMs: (event) => (event.data.skipDemoDelays ? 0 : deps.config.inventoryDelayMs),
    handle: (event, { tx, now, emit }) => {
      // After an inventory reset the processed record is gone but a redelivery must still not reserve twice.
      if (findReservation(tx, event.sessionId, event.orderId)) return;
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
    handle: (event, { tx, now, emit }) => {
      const reservation = findReservation(tx, event.sessionId, event.orderId);
      if (reservation && reservation.status !== "PENDING") return;
      const items = reservation ? settleReservation(tx, reservation, "RELEASED", now) : [];
      emit({
        type: "INVENTORY_RELEASED",
        data: { reservationId: reservation?.id ?? null, items, cause: "payment_failed", reason: `Payment failed: ${event.data.reason}` },
      });
    },
  };

  return [reserveStockWhenOrderCreated, confirmReservationWhenPaid, releaseReservationWhenPaymentFailed] as const;
}
