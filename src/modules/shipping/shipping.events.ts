import { z } from "zod";
import { cancellationSourceSchema, shipmentTermsSchema } from "../saga-terms";

/** The parcel is on its way: inventory confirms the stock an order with the shipment step held. */
export const shipmentCreatedEvent = z.object({
  type: z.literal("SHIPMENT_CREATED"),
  data: z.object({ shipmentId: z.string() }),
});

/** The parcel could not be sent: inventory hands the stock back (`shipment_failed`), and payments refunds the charge. */
export const shipmentFailedEvent = z.object({
  type: z.literal("SHIPMENT_FAILED"),
  data: z.object({ shipmentId: z.string(), reason: z.string() }),
});

/** A shipped order was cancelled: the parcel is called back. Nobody has to react; the saga's books now say so. */
export const shipmentCancelledEvent = z.object({
  type: z.literal("SHIPMENT_CANCELLED"),
  data: z.object({ shipmentId: z.string(), reason: z.string() }),
});

export const shippingEvents = [shipmentCreatedEvent, shipmentFailedEvent, shipmentCancelledEvent] as const;

/**
 * The commands shipping takes from an orchestrator (`data.to: "shipping"`), decided by the same
 * rules as in choreography: CREATE_SHIPMENT as PAYMENT_SUCCESS (decideShipment), CANCEL_SHIPMENT
 * as the order's cancellation (decideCancelShipment).
 */
const toShipping = z.literal("shipping");
export const createShipmentCommand = z.object({
  type: z.literal("CREATE_SHIPMENT"),
  data: shipmentTermsSchema.extend({ to: toShipping }),
});
export const cancelShipmentCommand = z.object({
  type: z.literal("CANCEL_SHIPMENT"),
  data: z.object({ to: toShipping, cancellationSource: cancellationSourceSchema, reason: z.string() }),
});
export const shippingCommands = [createShipmentCommand, cancelShipmentCommand] as const;
