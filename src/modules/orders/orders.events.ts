import { z } from "zod";
import { behaviourSchema, cancellationSourceSchema, orderLineSchema } from "../saga-terms";

export const orderCreatedEvent = z.object({
  type: z.literal("ORDER_CREATED"),
  data: z.object({
    items: z.array(orderLineSchema),
    paymentBehaviour: behaviourSchema,
    inventoryBehaviour: behaviourSchema,
    skipDemoDelays: z.boolean(),
    userId: z.string().nullable(),
  }),
});

export const orderCompletedEvent = z.object({
  type: z.literal("ORDER_COMPLETED"),
  data: z.object({ totalCents: z.number().int() }),
});

export const orderCancelledEvent = z.object({
  type: z.literal("ORDER_CANCELLED"),
  data: z.object({ cancellationSource: cancellationSourceSchema, reason: z.string() }),
});

export const orderEvents = [orderCreatedEvent, orderCompletedEvent, orderCancelledEvent] as const;
