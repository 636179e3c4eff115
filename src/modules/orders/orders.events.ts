import { z } from "zod";
import {
  behaviourSchema,
  cancellationSourceSchema,
  orderLineSchema,
  requestedCancellationSchema,
  sagaStyleSchema,
  shipmentTermsSchema,
} from "../saga-terms";

/**
 * `true` on the events that undo a saga whose order has the shipment step: shipping takes part
 * in those only. Absent on every other order, so a saga without the step reads as it always did.
 */
const shipmentStepFlag = z.literal(true).optional();

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
    // Events stored before saga styles existed were choreographed.
    sagaStyle: sagaStyleSchema.default("choreography"),
    // The shipment step, when the session's `shipmentStep` was on as the order was placed; absent: none.
    shipment: shipmentTermsSchema.optional(),
  }),
});

export const orderCompletedEvent = z.object({
  type: z.literal("ORDER_COMPLETED"),
  data: z.object({ totalCents: z.number().int() }),
});

export const orderCancelledEvent = z.object({
  type: z.literal("ORDER_CANCELLED"),
  data: z.object({ cancellationSource: cancellationSourceSchema, reason: z.string(), shipmentStep: shipmentStepFlag }),
});

/**
 * Someone asked for the saga to be undone: inventory hands back (or puts back) the stock, and
 * the order is cancelled once it has; payments refunds what was taken. Recorded on the order
 * once, so a second request (or a timeout racing a customer) changes nothing.
 */
export const orderCancellationRequestedEvent = z.object({
  type: z.literal("ORDER_CANCELLATION_REQUESTED"),
  data: z.object({ cancellationSource: requestedCancellationSchema, reason: z.string(), shipmentStep: shipmentStepFlag }),
});

/**
 * One call the order service made to another service in an rpc-style saga (seed 002): what it
 * sent and what came back, as the wire's JSON (the .proto's field names), and how long the
 * caller waited (the demo delay included). An error answer is `{error: {code, message}}`. Only a
 * record: no reaction listens to it.
 */
export const rpcCallEvent = z.object({
  type: z.literal("RPC_CALL"),
  data: z.object({
    service: z.string(),
    method: z.string(),
    request: z.record(z.string(), z.unknown()),
    response: z.record(z.string(), z.unknown()),
    durationMs: z.number().int(),
  }),
});

/**
 * What an orchestrator tells orders when the saga has ended (`data.to: "orders"`): decided by
 * the same rules as the events that end it in choreography (INVENTORY_CONFIRMED, INVENTORY_RELEASED).
 */
const toOrders = z.literal("orders");
export const completeOrderCommand = z.object({
  type: z.literal("COMPLETE_ORDER"),
  data: z.object({ to: toOrders, totalCents: z.number().int() }),
});
export const cancelOrderCommand = z.object({
  type: z.literal("CANCEL_ORDER"),
  data: z.object({ to: toOrders, cancellationSource: cancellationSourceSchema, reason: z.string() }),
});
export const orderCommands = [completeOrderCommand, cancelOrderCommand] as const;

export const orderEvents = [
  orderCreatedEvent,
  orderCompletedEvent,
  orderCancelledEvent,
  orderCancellationRequestedEvent,
  rpcCallEvent,
] as const;
