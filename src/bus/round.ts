import type { EventRow } from "./bus.sql";
import type { DeliveryLogEntry } from "./delivery-log";
import type { BusEvent, EventPayloadBase } from "./event";

export type Attempt = { sessionId: string; orderId: string; entry: DeliveryLogEntry };

/** What names an event in the schedule and the delivery log: a stored row has it even when its payload does not parse. */
export type EventKey = Pick<EventRow, "seq" | "sessionSeq" | "type" | "sessionId" | "orderId">;

/** What one transaction of deliveries did: announced, logged and duplicated only once it commits. */
export interface Round<P extends EventPayloadBase> {
  emitted: BusEvent<P>[];
  /** What it emitted that its cursor has not reached yet, by seq: handed over as built when reached (no read-back parse). */
  unreached: Map<number, BusEvent<P>>;
  attempts: Attempt[];
  duplicates: { event: BusEvent<P>; reaction: string }[];
  /** Sessions whose schedule gained a row. */
  scheduled: Set<string>;
  /** Sessions where a delivery applied and emitted nothing: no event of the round tells of its writes. */
  quiet: Set<string>;
}
export const newRound = <P extends EventPayloadBase>(): Round<P> => ({
  emitted: [],
  unreached: new Map(),
  attempts: [],
  duplicates: [],
  scheduled: new Set(),
  quiet: new Set(),
});

/** One attempt as the delivery log records it. */
export function attemptOf(
  event: EventKey,
  reaction: string,
  attempt: number,
  at: number,
  result: Pick<DeliveryLogEntry, "outcome" | "error" | "retryAt" | "ignoredBecause">,
): Attempt {
  return {
    sessionId: event.sessionId,
    orderId: event.orderId,
    entry: { eventSeq: event.sessionSeq, eventType: event.type, reaction, attempt, at, ...result },
  };
}
