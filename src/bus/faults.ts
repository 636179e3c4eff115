import { happens, type Random } from "../platform/random";
import type { EventPayloadBase } from "./event";
import type { SubscriptionWrapper } from "./subscriptions";

/**
 * What a teacher turns on to show the bus misbehaving, read on every delivery inside its
 * savepoint, so settings that cannot be read fail that delivery only.
 */
export interface FaultInjection {
  random: Random;
  /** The chance (0–1) that a delivery of the session throws a transient fault. */
  faultRate(sessionId: string): number;
  /** The chance (0–1) that a delivery of the session that applied is delivered again. */
  duplicateRate(sessionId: string): number;
}

/** The transient fault a teacher's `reactionFaultRate` injects. */
export class InjectedFault extends Error {
  constructor(rate: number) {
    super(`Injected fault: the session's reactionFaultRate is ${rate}`);
    this.name = "InjectedFault";
  }
}

/**
 * A fault thrown where the reaction would run, so it fails exactly like a real transient
 * error: rolled back alone, retried with backoff, dead-lettered at last.
 */
export function injectFaults<P extends EventPayloadBase>(faults: FaultInjection): SubscriptionWrapper<P> {
  return (inner) => ({
    ...inner,
    delayMs: (event) => inner.delayMs(event),
    handle(event, ctx) {
      const rate = faults.faultRate(event.sessionId);
      if (happens(rate, faults.random)) throw new InjectedFault(rate);
      inner.handle(event, ctx);
    },
  });
}

/**
 * A delivery that applied is, by chance, made a second time after its round commits, so it
 * meets the same check as any other duplicate (and changes nothing).
 */
export function duplicateDeliveries<P extends EventPayloadBase>(faults: FaultInjection): SubscriptionWrapper<P> {
  return (inner) => ({
    ...inner,
    delayMs: (event) => inner.delayMs(event),
    handle(event, ctx) {
      const rate = faults.duplicateRate(event.sessionId);
      inner.handle(event, ctx);
      if (happens(rate, faults.random)) ctx.deliverAgain();
    },
  });
}
