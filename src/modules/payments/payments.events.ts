import { z } from "zod";
import { behaviourSchema, cancellationSourceSchema, shipmentTermsSchema, stockReturnCauseSchema } from "../saga-terms";

export const paymentSuccessEvent = z.object({
  type: z.literal("PAYMENT_SUCCESS"),
  data: z.object({
    paymentId: z.string(),
    amount: z.number(),
    amountCents: z.number().int(),
    // Carried from INVENTORY_RESERVED: an order with the shipment step is shipped next, and its
    // stock confirmed only once shipped; absent: none (inventory confirms now).
    shipment: shipmentTermsSchema.optional(),
  }),
});

export const paymentFailedEvent = z.object({
  type: z.literal("PAYMENT_FAILED"),
  data: z.object({ paymentId: z.string(), reason: z.string() }),
});

export const paymentRefundedEvent = z.object({
  type: z.literal("PAYMENT_REFUNDED"),
  // paymentId is null when the payment had been reset away: the order still needs to end.
  // `cause`: why the stock went back, when inventory said (the order's cancellationSource).
  data: z.object({
    paymentId: z.string().nullable(),
    amountCents: z.number().int(),
    reason: z.string(),
    cause: stockReturnCauseSchema.nullable().default(null),
  }),
});

/**
 * The commands payments takes from an orchestrator (`data.to: "payments"`), decided by the same
 * rules as in choreography: PROCESS_PAYMENT as INVENTORY_RESERVED, REFUND_PAYMENT as ORDER_CANCELLED.
 */
const toPayments = z.literal("payments");
export const processPaymentCommand = z.object({
  type: z.literal("PROCESS_PAYMENT"),
  data: z.object({
    to: toPayments,
    totalCents: z.number().int(),
    paymentBehaviour: behaviourSchema,
    paymentBehaviourGiven: z.boolean(),
    skipDemoDelays: z.boolean(),
  }),
});
export const refundPaymentCommand = z.object({
  type: z.literal("REFUND_PAYMENT"),
  data: z.object({ to: toPayments, cancellationSource: cancellationSourceSchema, reason: z.string() }),
});
export const paymentCommands = [processPaymentCommand, refundPaymentCommand] as const;

export const paymentEvents = [paymentSuccessEvent, paymentFailedEvent, paymentRefundedEvent] as const;
