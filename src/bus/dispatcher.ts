import type { Clock } from "../platform/clock";
import { type Database, transaction } from "../platform/db";
import type { Bus } from "./bus";
import { type EventRow, eventOfDelivery, MAX_DELIVERY_ATTEMPTS } from "./bus.sql";
import type { DeliveryLog, DeliveryLogEntry, DeliveryOutcome } from "./delivery-log";
import type { BusEvent, EventPayloadBase } from "./event";
import { InjectedFault } from "./faults";
import { attemptOf, type EventKey, newRound, type Round } from "./round";
import type { DeliverySchedule, LogCursor, ScheduledDelivery } from "./schedule";
import type { Subscription, Subscriptions } from "./subscriptions";

/** A stored event read back: its payload parsed, or why it could not be. */
export type Parsed<P extends EventPayloadBase> = { event: BusEvent<P> } | { failure: unknown };

/**
 * One delivery of an event to one reaction, by where it comes from. Each kind is a place the
 * delivery may stand in; a later kind (a command addressed to one module) is one more case.
 */
export type Delivery<P extends EventPayloadBase> =
  /** The cursor reaches the event: the reaction's first sight of it, due now or scheduled. */
  | { kind: "handOver"; row: EventRow; parsed: Parsed<P>; subscription: Subscription<P> }
  /** A row of the schedule: due, run by hand, or a dead letter given one more attempt. */
  | { kind: "scheduled"; row: ScheduledDelivery }
  /** A deliberate second delivery of an event: recognised by the cursor and the schedule alone. */
  | { kind: "duplicate"; event: BusEvent<P>; reaction: string };

/**
 * What an attempt came to: a delivery log outcome, or `scheduled` (a row for later),
 * `not_wanted` (a timer the session has off), `dropped` (its event or session is gone),
 * `not_yet_delivered` (a duplicate of a pair still ahead).
 */
export type AttemptOutcome = DeliveryOutcome | "scheduled" | "not_wanted" | "dropped" | "not_yet_delivered" | "applied_again";

export interface DispatcherOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  log: (message: string, error?: unknown) => void;
  deliveryLog: DeliveryLog | undefined;
  isHeld: (sessionId: string) => boolean;
  isBeingWiped: (sessionId: string) => boolean;
  onDeliveriesChanged: (sessionId: string) => void;
  onAttempt: (reaction: string, outcome: DeliveryOutcome) => void;
  /**
   * Whether a session's consumers are not idempotent (the `nonIdempotentConsumers` bug): then a
   * duplicate of a delivery already made reaches its reaction again (`applyAgain`) instead of
   * being recognised (`recogniseDuplicate`). False for every session that has not put it back.
   */
  appliesDuplicates: (sessionId: string) => boolean;
}

export interface DispatcherParts<P extends EventPayloadBase> {
  db: Database;
  clock: Clock;
  /** Where a reaction's events are appended, and stored events parsed. */
  outbox: Pick<Bus<P>, "append" | "announce" | "rowToEvent" | "reachedEvent" | "keepUnreached" | "passedOver" | "recipientOf">;
  subscriptions: Subscriptions<P>;
  schedule: DeliverySchedule;
  cursor: LogCursor;
}

/**
 * Runs deliveries: `attempt` is the one path every delivery takes, whoever starts it (the
 * relay's round, a person stepping, the saga admin, a duplicate). It decides when a delivery
 * is due, runs it in its own savepoint (with the removal of its schedule row), and writes what
 * became of it to the schedule, inside the caller's transaction; `committed` then tells the
 * delivery log, the metrics and the listeners.
 */
export class Dispatcher<P extends EventPayloadBase> {
  constructor(
    private readonly parts: DispatcherParts<P>,
    private readonly options: DispatcherOptions,
  ) {}

  /**
   * The cursor reaches `row`: one delivery to each of its recipients, the reactions subscribed
   * to its type (a command would have one: the module it is addressed to). Passed over when its
   * session is being wiped. Returns how many ran (successfully or not).
   */
  reached(row: EventRow, round: Round<P>): number {
    const taking = this.parts.subscriptions.recipients(row.type, row.style);
    if (taking.length === 0 || this.options.isBeingWiped(row.sessionId)) {
      this.parts.outbox.passedOver(row.seq, round.unreached);
      return 0;
    }
    // Parsed once for all of its recipients; a payload that no longer parses fails their deliveries, never the round.
    const parsed = this.parse(row, (stored) => this.parts.outbox.reachedEvent(stored, round.unreached));
    // A command reaches only the module it names (one that does not parse fails at every reaction that could take it).
    const recipients =
      row.kind === "command" && "event" in parsed
        ? this.parts.subscriptions.recipients(row.type, row.style, this.parts.outbox.recipientOf(parsed.event))
        : taking;
    let ran = 0;
    for (const subscription of recipients) {
      const outcome = this.attempt({ kind: "handOver", row, parsed, subscription }, round);
      if (outcome === "applied" || outcome === "failed") ran += 1;
    }
    return ran;
  }

  private parse(row: EventRow, read = (stored: EventRow) => this.parts.outbox.rowToEvent(stored)): Parsed<P> {
    try {
      return { event: read(row) };
    } catch (failure) {
      return { failure };
    }
  }

  /** One delivery, inside the caller's transaction; what it did joins `round`, told by `committed` after the commit. */
  attempt(delivery: Delivery<P>, round: Round<P>): AttemptOutcome {
    switch (delivery.kind) {
      case "handOver":
        return this.handOver(delivery.row, delivery.parsed, delivery.subscription, round);
      case "scheduled":
        return this.runScheduled(delivery.row, round);
      case "duplicate":
        return this.duplicate(delivery.event, delivery.reaction);
    }
  }

  /** After the commit (a rolled-back round delivered nothing): log it, announce what it emitted, make its duplicates. */
  committed(round: Round<P>): void {
    const unannounced = new Set([...round.scheduled, ...round.quiet]);
    for (const { sessionId, orderId, entry } of round.attempts) {
      this.options.deliveryLog?.record(sessionId, orderId, entry);
      this.options.onAttempt(entry.reaction, entry.outcome);
      if (entry.outcome !== "applied") unannounced.add(sessionId);
    }
    this.parts.outbox.keepUnreached(round.unreached.values());
    this.parts.outbox.announce(round.emitted);
    for (const { event, reaction } of round.duplicates) {
      this.attempt({ kind: "duplicate", event, reaction }, round);
      unannounced.add(event.sessionId);
    }
    for (const sessionId of unannounced) this.options.onDeliveriesChanged(sessionId);
  }

  /** The cursor reaches the event: the reaction runs now if it is due, or gets a row in the schedule for later. */
  private handOver(row: EventRow, parsed: Parsed<P>, subscription: Subscription<P>, round: Round<P>): AttemptOutcome {
    if ("failure" in parsed) return this.undecidable(row, subscription.name, parsed.failure, round);
    const { event } = parsed;
    let delay: number | null;
    let held: boolean;
    try {
      delay = subscription.delayMs(event);
      held = delay !== null && this.options.isHeld(event.sessionId);
    } catch (failure) {
      // The session's settings (its delay, its step mode) could not be read: only this
      // delivery stops, and only its session waits.
      return this.undecidable(row, subscription.name, failure, round);
    }
    if (delay === null) return "not_wanted";
    const now = this.parts.clock.now();
    const dueAt = event.timestamp + Math.max(0, delay);
    if (dueAt > now || held) {
      round.scheduled.add(event.sessionId);
      this.parts.schedule.add({ ...rowFor(event, subscription.name, dueAt), attempts: 0, lastError: null, held, deadAt: null });
      return "scheduled";
    }
    const ran = this.run(subscription, event, round);
    if ("applied" in ran) {
      round.attempts.push(attemptOf(event, subscription.name, 1, now, ran.applied));
      return "applied";
    }
    // Nothing claims a row here, so nothing can have cancelled it.
    const failure = "failure" in ran ? ran.failure : new Error("a delivery without a row was cancelled");
    // A first attempt that failed becomes a row of the schedule, retried (or dead-lettered) from there.
    const after = this.afterFailure(row, subscription.name, 1, failure, round);
    this.parts.schedule.add({
      ...rowFor(row, subscription.name, after.dueAt),
      attempts: 1,
      lastError: messageOf(failure),
      held: false,
      deadAt: after.deadAt,
    });
    return after.outcome;
  }

  /**
   * A delivery whose due time cannot be decided (its event does not parse, or the session's
   * settings cannot be read) is a dead letter at once, with the reason: a retry after the usual
   * backoff would run it without its delay (an order's deadline minutes early). It stays
   * visible on the bus panel, and `POST /bus/dead-letters/:id/retry` runs it when someone decides.
   */
  private undecidable(event: EventKey, reaction: string, failure: unknown, round: Round<P>): AttemptOutcome {
    const now = this.parts.clock.now();
    const error = `its due time could not be decided: ${messageOf(failure)}`;
    this.options.log(`relay: ${reaction} on event #${event.seq} could not be scheduled and is dead-lettered`, failure);
    round.attempts.push(attemptOf(event, reaction, 1, now, { outcome: "dead_lettered", error }));
    // Counted as spent attempts, so a retry by hand that fails again leaves it a dead letter
    // rather than a row retried by itself, without its delay.
    this.parts.schedule.add({
      ...rowFor(event, reaction, now),
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: error,
      held: false,
      deadAt: now,
    });
    return "dead_lettered";
  }

  /** A row of the schedule: run in a savepoint that also deletes the row. */
  private runScheduled(delivery: ScheduledDelivery, round: Round<P>): AttemptOutcome {
    const { schedule } = this.parts;
    const row = eventOfDelivery(delivery);
    if (!row || this.options.isBeingWiped(delivery.sessionId)) {
      // The event was removed by a reset, or its session is being wiped: there is nothing left to deliver.
      schedule.remove(delivery.id);
      return "dropped";
    }
    const subscription = this.parts.subscriptions.named(delivery.reaction);
    const parsed = this.parse(row);
    const ran: RunResult = !subscription
      ? { failure: new Error(`No reaction named ${delivery.reaction} is subscribed`) }
      : "failure" in parsed
        ? { failure: parsed.failure }
        : this.run(subscription, parsed.event, round, () => schedule.remove(delivery.id));
    const attempt = delivery.attempts + 1;
    if ("cancelled" in ran) return "dropped";
    if ("applied" in ran) {
      round.attempts.push(attemptOf(row, delivery.reaction, attempt, this.parts.clock.now(), ran.applied));
      return "applied";
    }
    const { failure } = ran;
    const after = this.afterFailure(row, delivery.reaction, attempt, failure, round);
    const lastError = messageOf(failure);
    if (after.deadAt !== null) schedule.deadLetter(delivery.id, lastError, after.deadAt);
    else schedule.retryLater(delivery.id, lastError, after.dueAt);
    return after.outcome;
  }

  /**
   * A duplicate delivery of `event` to one reaction. A pair the relay has handled (behind the
   * cursor, no row left) is recognised and changes nothing; one it has not handled yet (past
   * the cursor, or scheduled) will be delivered once, when due.
   */
  private duplicate(event: BusEvent<P>, reaction: string): AttemptOutcome {
    if (event.seq > this.parts.cursor.position() || this.parts.schedule.has(event.seq, reaction)) return "not_yet_delivered";
    // The one place the relay's step is chosen by the session's switches.
    return this.options.appliesDuplicates(event.sessionId) ? this.applyAgain(event, reaction) : this.recogniseDuplicate(event, reaction);
  }

  /** The correct step: the pair was delivered (behind the cursor, no row left), so the duplicate changes nothing. */
  private recogniseDuplicate(event: BusEvent<P>, reaction: string): AttemptOutcome {
    const { deliveryLog } = this.options;
    const earlier = deliveryLog
      ?.forOrder(event.sessionId, event.orderId)
      .filter((e) => e.eventSeq === event.sessionSeq && e.reaction === reaction);
    this.options.onAttempt(reaction, "duplicate_ignored");
    deliveryLog?.record(event.sessionId, event.orderId, {
      eventSeq: event.sessionSeq,
      eventType: event.type,
      reaction,
      attempt: (earlier?.length ?? 0) + 1,
      outcome: "duplicate_ignored",
      at: this.parts.clock.now(),
    });
    return "duplicate_ignored";
  }

  /**
   * The bug variant (`nonIdempotentConsumers`): the duplicate reaches the reaction for real, in
   * its own transaction, and whatever it does is committed and announced like any delivery. It
   * asks for no duplicate of its own, so a duplicate rate of 1 still ends. A failure is logged
   * and not retried: the original delivery already applied.
   */
  private applyAgain(event: BusEvent<P>, reaction: string): AttemptOutcome {
    const subscription = this.parts.subscriptions.named(reaction);
    if (!subscription) return "not_wanted";
    const round = newRound<P>();
    const earlier = this.options.deliveryLog
      ?.forOrder(event.sessionId, event.orderId)
      .filter((e) => e.eventSeq === event.sessionSeq && e.reaction === reaction);
    const attempt = (earlier?.length ?? 0) + 1;
    const ran = transaction(this.parts.db, () => this.run(subscription, event, round));
    round.duplicates.length = 0;
    const now = this.parts.clock.now();
    const failure = "failure" in ran ? ran.failure : null;
    const result = "applied" in ran ? ran.applied : { outcome: "failed" as const, error: messageOf(failure) };
    round.attempts.push(attemptOf(event, reaction, attempt, now, result));
    this.committed(round);
    return "applied" in ran ? "applied_again" : "failed";
  }

  /**
   * Attempt number `attempt` failed: logs it and answers when it runs again, or that it is
   * dead-lettered (after MAX_DELIVERY_ATTEMPTS attempts).
   */
  private afterFailure(event: EventKey, reaction: string, attempt: number, failure: unknown, round: Round<P>) {
    const now = this.parts.clock.now();
    // An injected fault is the teacher's doing, not a defect: one line, no stack.
    this.options.log(
      `relay: ${reaction} failed on event #${event.seq} (attempt ${attempt})`,
      failure instanceof InjectedFault ? failure.message : failure,
    );
    if (attempt >= MAX_DELIVERY_ATTEMPTS) {
      round.attempts.push(attemptOf(event, reaction, attempt, now, { outcome: "dead_lettered", error: messageOf(failure) }));
      return { dueAt: now, deadAt: now, outcome: "dead_lettered" as const };
    }
    const dueAt = now + Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    round.attempts.push(attemptOf(event, reaction, attempt, now, { outcome: "failed", error: messageOf(failure), retryAt: dueAt }));
    return { dueAt, deadAt: null, outcome: "failed" as const };
  }

  /**
   * One delivery in its own savepoint, first taking its row (`claim`: false when the row was
   * cancelled after this round read it, and then nothing runs); what it emits joins the round
   * only if it succeeded, and so does a duplicate it asked for. Answers what became of it: applied
   * (with the decision's reason when it changed nothing), cancelled, or what it threw.
   */
  private run(subscription: Subscription<P>, event: BusEvent<P>, round: Round<P>, claim?: () => boolean): RunResult {
    const mine: BusEvent<P>[] = [];
    let again = false;
    let ignoredBecause: string | undefined;
    const { outbox } = this.parts;
    try {
      transaction(this.parts.db, () => {
        if (claim && !claim()) throw cancelledSinceRead;
        subscription.handle(event, {
          now: this.parts.clock.now(),
          emit: (payload, routing) =>
            outbox.append(
              {
                ...payload,
                sessionId: event.sessionId,
                sagaId: event.sagaId,
                orderId: routing?.orderId ?? event.orderId,
                causationId: event.id,
                style: event.style,
              },
              mine,
            ),
          deliverAgain: () => {
            again = true;
          },
          ignored: (reason) => {
            ignoredBecause = reason;
          },
        });
      });
    } catch (error) {
      if (error === cancelledSinceRead) return { cancelled: true };
      return { failure: error ?? new Error("a reaction threw nothing") };
    }
    round.emitted.push(...mine);
    if (mine.length === 0) round.quiet.add(event.sessionId);
    for (const emitted of mine) round.unreached.set(emitted.seq, emitted);
    if (again) round.duplicates.push({ event, reaction: subscription.name });
    return { applied: { outcome: "applied", ...(ignoredBecause === undefined ? {} : { ignoredBecause }) } };
  }
}

/** What one run of a reaction came to. */
type RunResult =
  | { applied: Pick<DeliveryLogEntry, "outcome" | "ignoredBecause"> }
  /** Its row was cancelled (Bus.cancelDeliveries) after the round read it: nothing ran. */
  | { cancelled: true }
  | { failure: unknown };

/** Thrown inside a delivery's savepoint whose row is gone, so the savepoint rolls back having run nothing. */
const cancelledSinceRead = new Error("the delivery was cancelled since it was read");

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const rowFor = (event: EventKey, reaction: string, dueAt: number) => ({ sessionId: event.sessionId, eventSeq: event.seq, reaction, dueAt });
