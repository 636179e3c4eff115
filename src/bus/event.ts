/**
 * What the bus knows of an event: an envelope it fills in, around a payload (`type` and
 * `data`) whose shapes belong to the modules. The bus is generic over the union of payloads
 * the modules define (src/modules/events.ts), so it never names a module's event.
 */
export interface EventPayloadBase {
  type: string;
  data: unknown;
}

/** Where an event belongs: carried unchanged from the order's creation to every event it causes. */
export interface EventEnvelope {
  id: string;
  /** The position in the log of every session: the relay's cursor and schedule use it; no client sees it. */
  seq: number;
  /** The position in the session's own log (1, 2, 3, ...): the `seq` clients see. */
  sessionSeq: number;
  sessionId: string;
  sagaId: string;
  orderId: string;
  causationId: string | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** A command is delivered only to the module it is addressed to; an event to every subscriber. */
  kind: "event" | "command";
  /**
   * Which reactions take part in its saga: those whose `styles` name it (or name none).
   * Copied from the cause when a reaction emits, so the whole saga keeps its first event's.
   */
  style: string;
}

/** A committed event. For a union of payloads this is a union too, narrowed by `type`. */
export type BusEvent<P extends EventPayloadBase> = EventEnvelope & P;

/** The events of one type out of the union `P`. */
export type EventOf<P extends EventPayloadBase, T extends P["type"]> = BusEvent<Extract<P, { type: T }>>;

/** What a module hands the bus to append: the envelope's routing fields and the payload. */
export type EventDraft<P extends EventPayloadBase> = Pick<EventEnvelope, "sessionId" | "sagaId" | "orderId" | "causationId" | "style"> & P;

/** The module a command is addressed to, or null for an event: the modules' union says which payloads are commands. */
export type RecipientOf<P extends EventPayloadBase> = (payload: P) => string | null;

/** Turns a stored payload back into a typed one, or throws: the bus's reads are parsed, never cast. */
export type PayloadParser<P extends EventPayloadBase> = (payload: EventPayloadBase) => P;

/**
 * The wire form of an event (contract: `{id, type, sagaId, orderId, sessionId, causationId?, timestamp, data}`),
 * with `seq`, its position in the session's own log.
 */
export function eventToJson(event: BusEvent<EventPayloadBase>) {
  return {
    id: event.id,
    seq: event.sessionSeq,
    type: event.type,
    kind: event.kind,
    style: event.style,
    sagaId: event.sagaId,
    orderId: event.orderId,
    sessionId: event.sessionId,
    causationId: event.causationId,
    timestamp: new Date(event.timestamp).toISOString(),
    data: event.data,
  };
}
