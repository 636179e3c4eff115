import { z } from "zod";
import { behaviourSchema, orderLineSchema, shipmentTermsSchema, stockReturnCauseSchema } from "../saga-terms";

const pricedLineSchema = z.object({ product: z.string(), quantity: z.number().int(), priceCents: z.number().int() });
const shortLineSchema = z.object({ product: z.string(), requested: z.number().int(), available: z.number().int() });

export const inventoryReservedEvent = z.object({
  type: z.literal("INVENTORY_RESERVED"),
  data: z.object({
    reservationId: z.string(),
    items: z.array(pricedLineSchema),
    totalCents: z.number().int(),
    // Carried forward so payments can act without reading the orders module.
    paymentBehaviour: behaviourSchema,
    paymentBehaviourGiven: z.boolean().default(true),
    skipDemoDelays: z.boolean(),
    // When the reservation expires (ms since the epoch; the session's reservationTtlMs), or null: never.
    expiresAt: z.number().int().nullable().default(null),
    // The order's shipment step, carried forward to payments and on to shipping; absent: none.
    shipment: shipmentTermsSchema.optional(),
  }),
});

/**
 * `stage: "reserve"`: the stock could not be reserved; nothing was held.
 * `stage: "confirm"`: payment succeeded but the reservation was no longer held (the session's
 * inventory was reset mid-saga), so the payment must be refunded.
 */
export const inventoryFailedEvent = z.object({
  type: z.literal("INVENTORY_FAILED"),
  data: z.object({
    stage: z.enum(["reserve", "confirm"]),
    reason: z.string(),
    items: z.array(shortLineSchema),
    // At the confirm stage: why the stock had gone back (null: a reset took it), for the refund.
    cause: stockReturnCauseSchema.nullable().default(null),
  }),
});

export const inventoryConfirmedEvent = z.object({
  type: z.literal("INVENTORY_CONFIRMED"),
  data: z.object({ reservationId: z.string(), items: z.array(pricedLineSchema), totalCents: z.number().int() }),
});

export const inventoryReleasedEvent = z.object({
  type: z.literal("INVENTORY_RELEASED"),
  data: z.object({
    // Null when the reservation was already gone (a reset): the order is cancelled all the same.
    reservationId: z.string().nullable(),
    items: z.array(pricedLineSchema),
    // Why the stock went back: becomes the order's cancellationSource (`customer`, `timeout`
    // for an expired reservation or a late order, `operator`, or `payment_failed`).
    cause: stockReturnCauseSchema,
    reason: z.string(),
  }),
});

/**
 * A completed order was cancelled: its units go back into stock. The reservation stays
 * CONFIRMED (it did happen) and is marked restocked, so it is never put back twice.
 */
export const inventoryRestockedEvent = z.object({
  type: z.literal("INVENTORY_RESTOCKED"),
  data: z.object({ reservationId: z.string(), items: z.array(pricedLineSchema), cause: stockReturnCauseSchema, reason: z.string() }),
});

/**
 * Stock reserved by a call (`ReserveInventory`, the rpc saga style), not by a reaction: the
 * caller is answered, and nobody else hears of it. Its one reader is inventory's own expiry: a
 * reservation neither committed nor cancelled by `expiresAt` is released (INVENTORY_RELEASED,
 * `timeout`), so a caller that died mid-chain holds nothing for ever. The event's orderId is the
 * call's reference_id.
 */
export const inventoryHeldEvent = z.object({
  type: z.literal("INVENTORY_HELD"),
  data: z.object({
    reservationId: z.string(),
    referenceType: z.string(),
    items: z.array(pricedLineSchema),
    totalCents: z.number().int(),
    expiresAt: z.number().int(),
  }),
});

export const inventoryEvents = [
  inventoryReservedEvent,
  inventoryHeldEvent,
  inventoryFailedEvent,
  inventoryConfirmedEvent,
  inventoryReleasedEvent,
  inventoryRestockedEvent,
] as const;
/**
 * The commands inventory takes from an orchestrator (`kind: "command"`, `data.to: "inventory"`):
 * each is decided by the same rule as the event that triggers it in choreography, and answered
 * with the same events (RESERVE_INVENTORY as ORDER_CREATED, CONFIRM_RESERVATION as PAYMENT_SUCCESS,
 * RELEASE_INVENTORY as ORDER_CANCELLATION_REQUESTED).
 */
const toInventory = z.literal("inventory");
export const reserveInventoryCommand = z.object({
  type: z.literal("RESERVE_INVENTORY"),
  data: z.object({
    to: toInventory,
    items: z.array(orderLineSchema),
    inventoryBehaviour: behaviourSchema,
    inventoryBehaviourGiven: z.boolean(),
    // Carried forward on INVENTORY_RESERVED, as in choreography.
    paymentBehaviour: behaviourSchema,
    paymentBehaviourGiven: z.boolean(),
    skipDemoDelays: z.boolean(),
  }),
});
export const confirmReservationCommand = z.object({
  type: z.literal("CONFIRM_RESERVATION"),
  data: z.object({ to: toInventory }),
});
export const releaseInventoryCommand = z.object({
  type: z.literal("RELEASE_INVENTORY"),
  data: z.object({ to: toInventory, cancellationSource: stockReturnCauseSchema, reason: z.string() }),
});
export const inventoryCommands = [reserveInventoryCommand, confirmReservationCommand, releaseInventoryCommand] as const;

export type PricedLine = z.infer<typeof pricedLineSchema>;
export type ShortLine = z.infer<typeof shortLineSchema>;
