import type { BusEvent, EventOf, EventPayloadBase } from "./event";

/** What a reaction may do besides touching its own module's tables: emit the events it causes. */
export interface ReactionContext<P extends EventPayloadBase> {
  /** The relay's clock when the delivery runs. */
  now: number;
  /** Appends an event caused by the one being delivered (same session, saga and order). */
  emit: (payload: P) => BusEvent<P>;
}

/**
 * A module's reaction to one event type. It runs inside the relay's delivery savepoint and
 * never awaits: time-based behaviour is its `delayMs`, which becomes the delivery's due time.
 */
export interface Reaction<P extends EventPayloadBase, T extends P["type"] = P["type"]> {
  /** Stable and unique (`module.intent`): stored with each scheduled delivery. */
  name: string;
  on: T;
  /**
   * How long after the event the delivery is due (0 when absent). `null`: not delivered at all,
   * for a timer the session has turned off (a reservation that never expires).
   */
  delayMs?: (event: EventOf<P, T>) => number | null;
  handle: (event: EventOf<P, T>, ctx: ReactionContext<P>) => void;
}

/** Any one reaction, whatever event type of `P` it is for. */
export type AnyReaction<P extends EventPayloadBase> = { [T in P["type"]]: Reaction<P, T> }[P["type"]];
