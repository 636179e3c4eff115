import type { BusEvent, EventOf, EventPayloadBase } from "./event";

/** What a reaction may do besides touching its own module's tables: emit the events it causes. */
export interface ReactionContext<P extends EventPayloadBase> {
  /** The relay's clock when the delivery runs. */
  now: number;
  /**
   * Appends an event caused by the one being delivered (same session, saga and order). `orderId`
   * re-addresses it: only a bug variant does (an event that names no order, which nobody can
   * correlate).
   */
  emit: (payload: P, routing?: { orderId: string }) => BusEvent<P>;
  /**
   * Tells the delivery log that the decision changed nothing, and why (its own words): the
   * timeline then says so instead of "applied". Absent where no one records it (the API's commands).
   */
  ignored?: (reason: string) => void;
}

/** The outcome every module's decisions answer when there is nothing to do, with their reason. */
export interface IgnoreOutcome {
  type: "ignore";
  reason: string;
}

const isIgnore = (outcome: unknown): outcome is IgnoreOutcome =>
  typeof outcome === "object" && outcome !== null && "type" in outcome && outcome.type === "ignore" && "reason" in outcome;

/**
 * A module's reaction to one event type. It runs inside the relay's delivery savepoint and
 * never awaits: time-based behaviour is its `delayMs`, which becomes the delivery's due time.
 */
export interface Reaction<P extends EventPayloadBase, T extends P["type"] = P["type"]> {
  /** Stable and unique (`module.intent`): stored with each scheduled delivery; a command reaches only its module's. */
  name: string;
  on: T;
  /** The saga styles it takes part in (the event's `style`); absent: every style. */
  styles?: readonly string[];
  /**
   * How long after the event the delivery is due (0 when absent). `null`: not delivered at all,
   * for a timer the session has turned off (a reservation that never expires).
   */
  delayMs?: (event: EventOf<P, T>) => number | null;
  handle: (event: EventOf<P, T>, ctx: ReactionContext<P>) => void;
}

/** Any one reaction, whatever event type of `P` it is for. */
export type AnyReaction<P extends EventPayloadBase> = { [T in P["type"]]: Reaction<P, T> }[P["type"]];

/**
 * A reaction written as its three steps: `load` what the decision needs (the module's own
 * rows), `decide` (a pure function of the event and that state, with its own specs), and
 * `apply` each outcome it answers. An outcome's apply may answer follow-up outcomes (a
 * reservation attempted, then what its result decides), which are applied in turn, depth first.
 */
export interface ReactionSteps<P extends EventPayloadBase, T extends P["type"], S, O> {
  name: string;
  on: T;
  styles?: readonly string[];
  delayMs?: (event: EventOf<P, T>) => number | null;
  load: (event: EventOf<P, T>) => S;
  decide: (event: EventOf<P, T>, state: S) => readonly O[];
  apply: (event: EventOf<P, T>, outcome: O, ctx: ReactionContext<P>) => readonly O[] | undefined;
}

/** The one load → decide → apply shell, so each module writes only its steps. */
export function reactionOf<P extends EventPayloadBase, T extends P["type"], S, O>(steps: ReactionSteps<P, T, S, O>): Reaction<P, T> {
  /** Applies the outcomes and their follow-ups; answers the reasons when every one of them was an ignore. */
  const carryOut = (event: EventOf<P, T>, outcomes: readonly O[], ctx: ReactionContext<P>): string[] | null => {
    let reasons: string[] | null = [];
    for (const outcome of outcomes) {
      const followUps = steps.apply(event, outcome, ctx);
      const further = followUps ? carryOut(event, followUps, ctx) : [];
      if (reasons && isIgnore(outcome) && further) reasons.push(outcome.reason, ...further);
      else reasons = null;
    }
    return reasons;
  };
  return {
    name: steps.name,
    on: steps.on,
    ...(steps.styles ? { styles: steps.styles } : {}),
    ...(steps.delayMs ? { delayMs: steps.delayMs } : {}),
    handle: (event, ctx) => {
      const reasons = carryOut(event, steps.decide(event, steps.load(event)), ctx);
      if (reasons && reasons.length > 0) ctx.ignored?.(reasons.join("; "));
    },
  };
}
