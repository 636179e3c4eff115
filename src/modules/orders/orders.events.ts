import { z } from "zod";
import { behaviourSchema, cancellationSourceSchema, orderLineSchema } from "../saga-terms";

export const orderCreatedEvent = z.object({
  type: z.literal("ORDER_CREATED"),
  data: z.object({
    items: z.array(orderLineSchema),
    paymentBehaviour: behaviourSchema,
    inventoryBehaviour: behaviourSchema,
    // False when the order asked for no behaviour: then the session's failure-rate knobs decide.
    // Events stored before the knobs existed lack them and read as given (the rates were 0).
    paymentBehaviourGiven: z.boolean().default(true),
    inventoryBehaviourGiven: z.boolean().default(true),
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
