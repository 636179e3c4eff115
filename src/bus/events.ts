import { z } from "zod";
import { inventoryEvents } from "../modules/inventory/inventory.events";
import { orderEvents } from "../modules/orders/orders.events";
import { paymentEvents } from "../modules/payments/payments.events";

/** Every event on the bus: one discriminated union, so a reaction's payload is narrowed by `type`. */
export const eventPayloadSchema = z.discriminatedUnion("type", [...orderEvents, ...inventoryEvents, ...paymentEvents]);

export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type EventType = EventPayload["type"];
export const eventTypes = eventPayloadSchema.options.map((o) => o.shape.type.value) as EventType[];

/** Where an event belongs: carried unchanged from the order's creation to every event it causes. */
export interface EventEnvelope {
  id: string;
  seq: number;
  sessionId: string;
  sagaId: string;
  orderId: string;
  causationId: string | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export type BusEvent<T extends EventType = EventType> = EventEnvelope & Extract<EventPayload, { type: T }>;

export type EventDraft = Pick<EventEnvelope, "sessionId" | "sagaId" | "orderId" | "causationId"> & EventPayload;

/** The wire form of an event (contract: `{id, type, sagaId, orderId, sessionId, causationId?, timestamp, data}`). */
export function eventToJson(event: BusEvent) {
  return {
    id: event.id,
    seq: event.seq,
    type: event.type,
    sagaId: event.sagaId,
    orderId: event.orderId,
    sessionId: event.sessionId,
    causationId: event.causationId,
    timestamp: new Date(event.timestamp).toISOString(),
    data: event.data,
  };
}
