import type { Reaction, ReactionContext } from "../../bus/bus";
import type { BusEvent } from "../../bus/events";
import type { CancellationSource } from "./orders.schemas";
import { moveOrder } from "./orders.service";

/** The order is cancelled (and says why) only once its stock is settled, so readers see final stock. */
function cancel(event: BusEvent, ctx: ReactionContext, cancellationSource: CancellationSource, errorMessage: string): void {
  const moved = moveOrder(ctx.tx, event, "CANCELLED", {
    cancellationSource,
    errorMessage,
    completedAt: ctx.now,
    updatedAt: ctx.now,
  });
  if (moved) ctx.emit({ type: "ORDER_CANCELLED", data: { cancellationSource, reason: errorMessage } });
}

export const markProcessingWhenStockReserved: Reaction<"INVENTORY_RESERVED"> = {
  name: "orders.markProcessingWhenStockReserved",
  on: "INVENTORY_RESERVED",
  handle: (event, ctx) => {
    moveOrder(ctx.tx, event, "PROCESSING", { totalCents: event.data.totalCents, updatedAt: ctx.now });
  },
};

export const completeOrderWhenStockConfirmed: Reaction<"INVENTORY_CONFIRMED"> = {
  name: "orders.completeOrderWhenStockConfirmed",
  on: "INVENTORY_CONFIRMED",
  handle: (event, ctx) => {
    const { totalCents } = event.data;
    const moved = moveOrder(ctx.tx, event, "COMPLETED", { totalCents, completedAt: ctx.now, updatedAt: ctx.now });
    if (moved) ctx.emit({ type: "ORDER_COMPLETED", data: { totalCents } });
  },
};

export const cancelOrderWhenStockUnavailable: Reaction<"INVENTORY_FAILED"> = {
  name: "orders.cancelOrderWhenStockUnavailable",
  on: "INVENTORY_FAILED",
  handle: (event, ctx) => {
    // A failed confirmation is settled by the refund that follows it, not here.
    if (event.data.stage !== "reserve") return;
    cancel(event, ctx, "inventory_depleted", `Inventory failed: ${event.data.reason}`);
  },
};

export const cancelOrderWhenStockReleased: Reaction<"INVENTORY_RELEASED"> = {
  name: "orders.cancelOrderWhenStockReleased",
  on: "INVENTORY_RELEASED",
  handle: (event, ctx) => cancel(event, ctx, event.data.cause, event.data.reason),
};

export const cancelOrderWhenPaymentRefunded: Reaction<"PAYMENT_REFUNDED"> = {
  name: "orders.cancelOrderWhenPaymentRefunded",
  on: "PAYMENT_REFUNDED",
  handle: (event, ctx) => cancel(event, ctx, "operator", `Payment refunded: ${event.data.reason}`),
};

export const orderReactions = [
  markProcessingWhenStockReserved,
  completeOrderWhenStockConfirmed,
  cancelOrderWhenStockUnavailable,
  cancelOrderWhenStockReleased,
  cancelOrderWhenPaymentRefunded,
] as const;
