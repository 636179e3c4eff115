import { z } from "zod";

export const paymentSuccessEvent = z.object({
  type: z.literal("PAYMENT_SUCCESS"),
  data: z.object({ paymentId: z.string(), amount: z.number(), amountCents: z.number().int() }),
});

export const paymentFailedEvent = z.object({
  type: z.literal("PAYMENT_FAILED"),
  data: z.object({ paymentId: z.string(), reason: z.string() }),
});

export const paymentRefundedEvent = z.object({
  type: z.literal("PAYMENT_REFUNDED"),
  // paymentId is null when the payment had been reset away: the order still needs to end.
  data: z.object({ paymentId: z.string().nullable(), amountCents: z.number().int(), reason: z.string() }),
});

export const paymentEvents = [paymentSuccessEvent, paymentFailedEvent, paymentRefundedEvent] as const;
