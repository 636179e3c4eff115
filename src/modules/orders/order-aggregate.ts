import { z } from "zod";
import { behaviourSchema, cancellationSourceSchema, orderLineSchema, requestedCancellationSchema, sagaStyleSchema } from "../saga-terms";
import type { OrderStatus } from "./order-status";

/**
 * The order as an event-sourced aggregate: its state is the fold (`evolve`) of its own events,
 * its stream, numbered 1, 2, 3 … per order. The decisions (orders.decide.ts) answer the changes
 * to record; the store appends them with the version they were decided on and projects them
 * onto the `orders` row in the same transaction. The stream is the truth; the row is a read
 * model that `POST /orders/projection/rebuild` can throw away and fold again.
 *
 * These are not the bus's events. The bus carries what other modules must hear (ORDER_CREATED,
 * ORDER_COMPLETED …, an outbox); the stream records what happened to this order, including
 * what nobody else listens to (ORDER_PROCESSING_STARTED) and nothing that did not change it (a
 * cancellation announced again for a reset).
 */

export const orderChangeSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ORDER_CREATED"),
    data: z.object({
      sagaId: z.string(),
      userId: z.string().nullable(),
      items: z.array(orderLineSchema),
      paymentBehaviour: behaviourSchema,
      inventoryBehaviour: behaviourSchema,
      skipDemoDelays: z.boolean(),
      sagaStyle: sagaStyleSchema,
      // What the order asks of shipping; null: no shipment step.
      shippingBehaviour: behaviourSchema.nullable(),
    }),
  }),
  // Inventory reserved and priced the stock: the order is being processed.
  z.object({ type: z.literal("ORDER_PROCESSING_STARTED"), data: z.object({ totalCents: z.number().int() }) }),
  z.object({ type: z.literal("ORDER_CANCELLATION_REQUESTED"), data: z.object({ cancellationSource: requestedCancellationSchema }) }),
  z.object({ type: z.literal("ORDER_COMPLETED"), data: z.object({ totalCents: z.number().int() }) }),
  z.object({
    type: z.literal("ORDER_CANCELLED"),
    data: z.object({ cancellationSource: cancellationSourceSchema, errorMessage: z.string() }),
  }),
]);
/** What a decision asks to record in the order's stream. */
export type OrderChange = z.infer<typeof orderChangeSchema>;
export type OrderChangeType = OrderChange["type"];
/** Every type of change a stream may hold, in the order a saga records them. */
export const orderChangeTypes = orderChangeSchema.options.map((option) => option.shape.type.value) as [
  OrderChangeType,
  ...OrderChangeType[],
];

/** A change as the stream keeps it: its place in the stream and when it was recorded. */
export type OrderStreamEvent = OrderChange & { version: number; at: number };

/** The order after some of its events: every column of its row but the key, its lines, and the version it is at. */
export interface OrderView {
  version: number;
  sagaId: string;
  userId: string | null;
  items: z.infer<typeof orderLineSchema>[];
  status: OrderStatus;
  paymentBehaviour: z.infer<typeof behaviourSchema>;
  inventoryBehaviour: z.infer<typeof behaviourSchema>;
  skipDemoDelays: boolean;
  sagaStyle: z.infer<typeof sagaStyleSchema>;
  shippingBehaviour: z.infer<typeof behaviourSchema> | null;
  totalCents: number;
  errorMessage: string | null;
  cancellationSource: z.infer<typeof cancellationSourceSchema> | null;
  cancellationRequestedBy: z.infer<typeof requestedCancellationSchema> | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** A stream that does not start with ORDER_CREATED, or skips a version: no state can be folded from it. */
export class BrokenStreamError extends Error {}

/**
 * One event applied to the order (emmett's `evolve`): total and pure. It records facts, so it
 * checks nothing of the state machine; the decisions did before the fact was recorded.
 */
export function evolve(state: OrderView | undefined, event: OrderStreamEvent): OrderView {
  const { version, at } = event;
  if (event.type === "ORDER_CREATED") {
    if (state) throw new BrokenStreamError(`ORDER_CREATED at version ${version} of a stream already at ${state.version}`);
    return {
      ...event.data,
      version,
      status: "PENDING",
      totalCents: 0,
      errorMessage: null,
      cancellationSource: null,
      cancellationRequestedBy: null,
      createdAt: at,
      updatedAt: at,
      completedAt: null,
    };
  }
  if (!state) throw new BrokenStreamError(`${event.type} at version ${version} before the order was created`);
  if (version !== state.version + 1) throw new BrokenStreamError(`version ${version} follows version ${state.version}`);
  const moved = { ...state, version, updatedAt: at };
  switch (event.type) {
    case "ORDER_PROCESSING_STARTED":
      return { ...moved, status: "PROCESSING", totalCents: event.data.totalCents };
    case "ORDER_CANCELLATION_REQUESTED":
      return { ...moved, cancellationRequestedBy: event.data.cancellationSource };
    case "ORDER_COMPLETED":
      return { ...moved, status: "COMPLETED", totalCents: event.data.totalCents, completedAt: at };
    case "ORDER_CANCELLED":
      return { ...moved, status: "CANCELLED", ...event.data, completedAt: at };
  }
}

/** The order after every event of `stream` (in version order); undefined for an empty stream. */
export function foldStream(stream: readonly OrderStreamEvent[]): OrderView | undefined {
  return stream.reduce<OrderView | undefined>(evolve, undefined);
}

/** The order after each of its events, oldest first: what `GET /orders/:id/history` shows. */
export function statesOf(stream: readonly OrderStreamEvent[]): { event: OrderStreamEvent; state: OrderView }[] {
  const states: { event: OrderStreamEvent; state: OrderView }[] = [];
  let state: OrderView | undefined;
  for (const event of stream) {
    state = evolve(state, event);
    states.push({ event, state });
  }
  return states;
}

/** The columns of a view where two differ, by name (the rebuild's comparison; lines compared as a whole). */
export function differingFields(a: OrderView, b: OrderView): (keyof OrderView)[] {
  return (Object.keys(a) as (keyof OrderView)[])
    .filter((key) => (key === "items" ? JSON.stringify(a.items) !== JSON.stringify(b.items) : a[key] !== b[key]))
    .sort();
}
