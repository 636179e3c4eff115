import { type Database, transaction } from "../platform/db";
import type { DeliveryLogEntry } from "./delivery-log";
import type { Dispatcher } from "./dispatcher";
import type { BusEvent, EventPayloadBase, RecipientOf } from "./event";
import { newRound } from "./round";
import type { DeliverySchedule, ScheduledDelivery } from "./schedule";
import type { Subscriptions } from "./subscriptions";

/** What a delivery run by hand came to. */
export type ByHand = { delivery: ScheduledDelivery; outcome: DeliveryLogEntry["outcome"]; error?: string };

/** What a duplicate delivery of an event comes to, for each reaction subscribed to it. */
export const redeliveryOutcomes = ["duplicate_ignored", "not_yet_delivered", "applied_again"] as const;
export type RedeliveryOutcome = (typeof redeliveryOutcomes)[number];

export interface SteeringParts<P extends EventPayloadBase> {
  db: Database;
  schedule: DeliverySchedule;
  dispatcher: Dispatcher<P>;
  subscriptions: Subscriptions<P>;
  /** The module a command is addressed to (null: an event), so a duplicate reaches only the command's recipient. */
  recipientOf: RecipientOf<P>;
  /** After a delivery run by hand: what it emitted is handed over at once, and the relay's timer set again. */
  afterByHand: () => void;
  /** Rows were released: the relay's timer must look again. */
  wake: () => void;
  onDeliveriesChanged: (sessionId: string) => void;
}

/**
 * The one port by which people steer the bus: step mode's hold and release, running a
 * delivery now (the next or a chosen one), retrying a dead letter, a deliberate duplicate, and
 * what is scheduled. Used by `/bus`, the dashboard, the saga admin and the knobs alike; every
 * delivery it runs goes through the dispatcher, like the relay's own.
 */
export class Steering<P extends EventPayloadBase> {
  constructor(private readonly parts: SteeringParts<P>) {}

  /** Step mode turned on: the session's scheduled deliveries wait until run by hand. */
  hold(sessionId: string): void {
    this.parts.schedule.hold(sessionId);
  }

  /** Step mode turned off: the session's held deliveries run in due order (those already due at once). */
  release(sessionId: string): void {
    this.parts.schedule.release(sessionId);
    this.parts.wake();
  }

  /**
   * The delivery Step runs next: the session's first scheduled row, next due first (due time,
   * then id), held or not; null when nothing is scheduled. The one rule Step and the page's
   * "Step →" preview share, so the page never names a delivery Step would not run.
   */
  nextStep(sessionId: string): ScheduledDelivery | null {
    return this.parts.schedule.ofSession(sessionId, 1)[0] ?? null;
  }

  /** Runs the session's next scheduled delivery now (nextStep), held or not; null when nothing is scheduled. */
  step(sessionId: string): ByHand | null {
    return this.byHand(() => this.nextStep(sessionId));
  }

  /** Runs one scheduled delivery of the session now, whatever its due time; null when there is no such delivery. */
  deliver(sessionId: string, id: number): ByHand | null {
    return this.byHand(() => this.parts.schedule.scheduled(sessionId, id));
  }

  /**
   * Gives a dead letter of the session one more attempt now. If it fails again it stays a dead
   * letter (with the new error); if it applies, the saga goes on from there.
   */
  retry(sessionId: string, id: number): ByHand | null {
    return this.byHand(() => this.parts.schedule.deadLetterOf(sessionId, id));
  }

  /** A deliberate duplicate delivery of `event` to each reaction subscribed to it. */
  redeliver(event: BusEvent<P>): { reaction: string; outcome: RedeliveryOutcome }[] {
    const round = newRound<P>();
    const outcomes = this.parts.subscriptions
      .recipients(event.type, event.style, this.parts.recipientOf(event))
      // A reaction that does not want this event (a timer the session has off) never had it.
      .filter((subscription) => subscription.delayMs(event) !== null)
      .map((subscription) => {
        const attempted = this.parts.dispatcher.attempt({ kind: "duplicate", event, reaction: subscription.name }, round);
        const outcome: RedeliveryOutcome =
          attempted === "duplicate_ignored" || attempted === "applied_again" ? attempted : "not_yet_delivered";
        return { reaction: subscription.name, outcome };
      });
    if (outcomes.some(({ outcome }) => outcome !== "not_yet_delivered")) this.parts.onDeliveriesChanged(event.sessionId);
    return outcomes;
  }

  /** A session's scheduled deliveries, next due first (at most `limit`). */
  scheduled(sessionId: string, limit: number): ScheduledDelivery[] {
    return this.parts.schedule.ofSession(sessionId, limit);
  }

  /** A session's dead letters, the latest first (at most `limit`). */
  deadLetters(sessionId: string, limit: number): ScheduledDelivery[] {
    return this.parts.schedule.deadLettersOf(sessionId, limit);
  }

  /** An order's scheduled deliveries, next due first, then its dead letters: what its saga waits for. */
  upcomingFor(sessionId: string, orderId: string): ScheduledDelivery[] {
    return this.parts.schedule.ofOrder(sessionId, orderId);
  }

  private byHand(choose: () => ScheduledDelivery | null): ByHand | null {
    const round = newRound<P>();
    const { dispatcher } = this.parts;
    const delivery = transaction(this.parts.db, () => {
      const chosen = choose();
      if (chosen) dispatcher.attempt({ kind: "scheduled", row: chosen }, round);
      return chosen;
    });
    dispatcher.committed(round);
    if (!delivery) return null;
    // What it emitted is handed over at once (run, or held in step mode), so whoever stepped
    // sees the next deliveries as soon as this answers.
    this.parts.afterByHand();
    const entry = round.attempts[0]?.entry;
    return { delivery, outcome: entry?.outcome ?? "applied", ...(entry?.error ? { error: entry.error } : {}) };
  }
}
