import type { Clock } from "../platform/clock";
import { transaction } from "../platform/db";
import { type Random, happens } from "../platform/random";
import type { Bus } from "./bus";
import { type DueDeliveryRow, type EventRow, MAX_DELIVERY_ATTEMPTS, eventOfDelivery } from "./bus.sql";
import type { DeliveryLog, DeliveryLogEntry, DeliveryOutcome } from "./delivery-log";
import type { Reaction } from "./reaction";
import type { BusEvent, EventPayloadBase } from "./event";

export interface RelayOptions {
  /** Deliveries handled in one round (one commit) before the relay yields to the event loop, so HTTP stays responsive. */
  batchSize?: number;
  /** Backoff after a reaction throws: base * 2^attempts, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Where each attempt and its outcome are recorded for people to see (GET /orders/:id/deliveries). */
  deliveryLog?: DeliveryLog;
  /** Whether a session's deliveries are held (step mode): then they wait in the schedule until run by hand. */
  isHeld?: (sessionId: string) => boolean;
  /**
   * Whether a session is being wiped (`DELETE /session`): then nothing of it runs again. Its
   * events are passed over and its scheduled deliveries dropped, unrun, since the rows they
   * would act on are going or gone (a charge for an order that no longer exists).
   */
  isBeingWiped?: (sessionId: string) => boolean;
  /** The faults and duplicates a teacher asks for, per session; none when absent. */
  faults?: FaultInjection;
  /**
   * Told, after the commit, of each session whose deliveries changed in a way no saga event
   * announces: a delivery was scheduled (a demo delay, step mode), an attempt failed or was
   * dead-lettered, a duplicate was ignored, or a delivery applied and emitted nothing (a PENDING
   * payment opened, a notification written, an order moved to PROCESSING). The event that caused
   * such a delivery is announced before the relay reaches it, so a screen refreshed by that event
   * alone could miss what it did: this is the signal that comes after the write.
   */
  onDeliveriesChanged?: (sessionId: string) => void;
  /** Told, after the commit, of every delivery attempt and its outcome (the metrics count them). */
  onAttempt?: (reaction: string, outcome: DeliveryOutcome) => void;
}

/**
 * What a teacher turns on to show the bus misbehaving, read on every delivery. A fault is
 * thrown where the reaction would run, so it fails exactly like a real transient error (rolled
 * back alone, retried with backoff, dead-lettered at last). A duplicate is a delivery made a
 * second time after its round commits, so it meets the same check as any other duplicate.
 */
export interface FaultInjection {
  random: Random;
  /** The chance (0–1) that a delivery of the session throws a transient fault. */
  faultRate(sessionId: string): number;
  /** The chance (0–1) that a delivery of the session that applied is delivered again. */
  duplicateRate(sessionId: string): number;
}

type Attempt = { sessionId: string; orderId: string; entry: DeliveryLogEntry };

/** What names an event in the schedule and the delivery log: a stored row has it even when its payload does not parse. */
type EventKey = Pick<EventRow, "seq" | "sessionSeq" | "type" | "sessionId" | "orderId">;

/** What one round (one commit) did: announced, logged and duplicated only once it commits. */
interface Round<P extends EventPayloadBase> {
  emitted: BusEvent<P>[];
  attempts: Attempt[];
  duplicates: { event: BusEvent<P>; reaction: string }[];
  /** Sessions whose schedule gained a row. */
  scheduled: Set<string>;
  /** Sessions where a delivery applied and emitted nothing: no event of the round tells of its writes. */
  quiet: Set<string>;
}
const newRound = <P extends EventPayloadBase>(): Round<P> => ({
  emitted: [],
  attempts: [],
  duplicates: [],
  scheduled: new Set(),
  quiet: new Set(),
});

/** After a failed round the next waits this long, doubling with each failure in a row, at most the max. */
const ROUND_RETRY_BASE_MS = 100;
const ROUND_RETRY_MAX_MS = 30_000;

/** The log past the cursor, and due deliveries, are read in pages of this many. */
const PAGE_SIZE = 100;

/** What a duplicate delivery of an event comes to, for each reaction subscribed to it. */
export type RedeliveryOutcome = "duplicate_ignored" | "not_yet_delivered";

/**
 * Hands committed events to the reactions subscribed to them. Its state is two things, both
 * in the database and both moved in the same transaction as the reactions' effects:
 *
 * - a cursor in the event log: every event up to it has been handed to each of its reactions;
 * - the schedule (`deliveries`): the (event, reaction) pairs that were not due yet when the
 *   cursor passed the event (a demo delay), or that failed and wait for a retry.
 *
 * A round reads the log past the cursor in commit order. For each event and each subscribed
 * reaction, a delivery that is due runs at once, in its own savepoint; one that is not due yet
 * becomes a row of the schedule; one that throws is rolled back alone and becomes a row due
 * after a backoff. Then the round runs the schedule's due rows, each in a savepoint that also
 * deletes it. The cursor moves and the round commits once, so a crash before the commit loses
 * the whole round and the next process does it again from the same cursor; nothing is done
 * twice, because whatever was done moved the cursor or deleted its row in the same commit.
 * That is also why a duplicate delivery changes nothing: a pair behind the cursor with no row
 * left has been handled, and `redeliver` says so instead of running it again
 * (see docs/architecture.md, "Idempotency: one mechanism"). Events a round emits are
 * announced only after its commit, and are read by the same round if it has room.
 *
 * The relay owns time: it only delivers what is due by its clock, and tests drive it with
 * `runDue()` instead of timers.
 */
export class Relay<P extends EventPayloadBase> {
  private cancelTimer: (() => void) | null = null;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private stopListening: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly deliveryLog: DeliveryLog | undefined;
  private readonly isHeld: (sessionId: string) => boolean;
  private readonly isBeingWiped: (sessionId: string) => boolean;
  private readonly faults: FaultInjection | undefined;
  private readonly onDeliveriesChanged: (sessionId: string) => void;
  private readonly onAttempt: (reaction: string, outcome: DeliveryOutcome) => void;
  /** Rounds that failed in a row (the database full or gone), and when the next may be tried. */
  private failedRounds = 0;
  private retryRoundsAt = 0;

  constructor(
    private readonly bus: Bus<P>,
    private readonly clock: Clock,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.log = options.log ?? ((message, error) => (error === undefined ? console.error(message) : console.error(message, error)));
    this.deliveryLog = options.deliveryLog;
    this.isHeld = options.isHeld ?? (() => false);
    this.isBeingWiped = options.isBeingWiped ?? (() => false);
    this.faults = options.faults;
    this.onDeliveriesChanged = options.onDeliveriesChanged ?? (() => {});
    this.onAttempt = options.onAttempt ?? (() => {});
  }

  /**
   * Delivers everything due now, including follow-ups that become due at once, in one commit,
   * in due order: an event past the cursor is due at its own time, a scheduled row at its due
   * time. Stops after `limit` steps (an event handed over, or a row run). Returns how many
   * deliveries ran.
   */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    const { statements } = this.bus;
    const round = newRound<P>();
    const { emitted } = round;
    const delivered = transaction(this.bus.db, () => {
      const start = this.cursor();
      let cursor = start;
      let unread: EventRow[] = [];
      let due: DueDeliveryRow[] = [];
      // A page is read again only when it may hold more: it came back full, or (for the log)
      // this round appended events since. Rows this round schedules are never due in it.
      let moreUnread = true;
      let moreDue = true;
      let appendedSeen = emitted.length;
      let ran = 0;
      for (let steps = 0; steps < limit; steps += 1) {
        if (unread.length === 0 && (moreUnread || emitted.length > appendedSeen)) {
          appendedSeen = emitted.length;
          unread = statements.eventsAfter.all({ after: cursor, limit: PAGE_SIZE });
          moreUnread = unread.length === PAGE_SIZE;
        }
        if (due.length === 0 && moreDue) {
          due = statements.dueDeliveries.all({ now: this.clock.now(), limit: PAGE_SIZE });
          moreDue = due.length === PAGE_SIZE;
        }
        const event = unread[0];
        const delivery = due[0];
        // What this round emitted follows from a delivery it already ran, so it goes before any
        // later-due row: after downtime many rows are overdue at once, and an expiry's release
        // (or a charge's success) must reach its reactions before the next overdue row runs, as
        // it would have with the server up. Its own timestamp (now) would put it after them all.
        const followUp = event !== undefined && event.seq >= (emitted[0]?.seq ?? Number.POSITIVE_INFINITY);
        if (event && (!delivery || followUp || event.timestamp <= delivery.dueAt)) {
          unread.shift();
          ran += this.handOver(event, round);
          cursor = event.seq;
        } else if (delivery) {
          due.shift();
          this.deliverScheduled(delivery, eventOfDelivery(delivery), round);
          ran += 1;
        } else {
          break;
        }
      }
      if (cursor !== start) statements.moveCursor.run({ lastSeq: cursor });
      return ran;
    });
    this.committed(round);
    return delivered;
  }

  /** After a round's commit (a rolled-back round delivered nothing): log it, announce what it emitted, make its duplicates. */
  private committed(round: Round<P>): void {
    const unannounced = new Set([...round.scheduled, ...round.quiet]);
    for (const { sessionId, orderId, entry } of round.attempts) {
      this.deliveryLog?.record(sessionId, orderId, entry);
      this.onAttempt(entry.reaction, entry.outcome);
      if (entry.outcome !== "applied") unannounced.add(sessionId);
    }
    this.bus.announce(round.emitted);
    for (const { event, reaction } of round.duplicates) {
      this.redeliverTo(event, reaction);
      unannounced.add(event.sessionId);
    }
    for (const sessionId of unannounced) this.onDeliveriesChanged(sessionId);
  }

  /** When the next delivery becomes due (ms since the epoch), or null when nothing is ahead. */
  nextDueAt(): number | null {
    const unread = this.bus.statements.firstEventAfter.get({ after: this.cursor() });
    if (unread) return unread.timestamp;
    return this.bus.statements.nextDueAt.get()?.next ?? null;
  }

  /** How late the relay is on its earliest due work, in ms: 0 when nothing due waits (held rows and dead letters never do). */
  lagMs(): number {
    const due = this.nextDueAt();
    return due === null ? 0 : Math.max(0, this.clock.now() - due);
  }

  /** Work ahead: events the cursor has not reached, plus scheduled deliveries. */
  pendingCount(): number {
    const { statements } = this.bus;
    return (statements.eventsAfterCount.get({ after: this.cursor() })?.n ?? 0) + (statements.scheduledCount.get()?.n ?? 0);
  }

  /**
   * A deliberate duplicate delivery of `event` to each reaction subscribed to it. A pair the
   * relay has handled (behind the cursor, no row left) is recognised and changes nothing; a
   * pair it has not handled yet (past the cursor, or scheduled) is delivered once, when due.
   */
  redeliver(event: BusEvent<P>): { reaction: string; outcome: RedeliveryOutcome }[] {
    const outcomes = this.bus
      .reactionsFor(event.type)
      // A reaction that does not want this event (a timer the session has off) never had it.
      .filter((reaction) => reaction.delayMs?.(event as never) !== null)
      .map((reaction) => ({ reaction: reaction.name, outcome: this.redeliverTo(event, reaction.name) }));
    if (outcomes.some(({ outcome }) => outcome === "duplicate_ignored")) this.onDeliveriesChanged(event.sessionId);
    return outcomes;
  }

  /** A duplicate delivery of `event` to one reaction: recognised by the cursor and the schedule alone. */
  private redeliverTo(event: BusEvent<P>, reaction: string): RedeliveryOutcome {
    const pending = event.seq > this.cursor() || this.bus.statements.pendingDelivery.get({ eventSeq: event.seq, reaction });
    if (pending) return "not_yet_delivered";
    const earlier = this.deliveryLog
      ?.forOrder(event.sessionId, event.orderId)
      .filter((e) => e.eventSeq === event.sessionSeq && e.reaction === reaction);
    this.onAttempt(reaction, "duplicate_ignored");
    this.deliveryLog?.record(event.sessionId, event.orderId, {
      eventSeq: event.sessionSeq,
      eventType: event.type,
      reaction,
      attempt: (earlier?.length ?? 0) + 1,
      outcome: "duplicate_ignored",
      at: this.clock.now(),
    });
    return "duplicate_ignored";
  }

  /** A session's scheduled deliveries, next due first (at most `limit`). */
  scheduledFor(sessionId: string, limit: number): DueDeliveryRow[] {
    return this.bus.statements.sessionDeliveries.all({ sessionId, limit });
  }

  /** A session's dead letters, the latest first (at most `limit`). */
  deadLettersOf(sessionId: string, limit: number): DueDeliveryRow[] {
    return this.bus.statements.sessionDeadLetters.all({ sessionId, limit });
  }

  /** An order's scheduled deliveries, next due first, then its dead letters: what its saga waits for. */
  scheduledForOrder(sessionId: string, orderId: string): DueDeliveryRow[] {
    return this.bus.statements.orderDeliveries.all({ sessionId, orderId });
  }

  /** Step mode turned on: the session's scheduled deliveries wait until run by hand. */
  hold(sessionId: string): void {
    this.bus.statements.holdSession.run({ sessionId });
  }

  /** Step mode turned off: the session's held deliveries run in due order (those already due at once). */
  release(sessionId: string): void {
    this.bus.statements.releaseSession.run({ sessionId });
    this.wake();
  }

  /**
   * Runs one scheduled delivery of the session now, whatever its due time: the one with `id`,
   * or the next due. Answers what became of it, or null when there is no such delivery.
   */
  deliverNow(sessionId: string, id?: number): ByHand | null {
    const { statements } = this.bus;
    return this.runByHand(() =>
      id === undefined ? statements.sessionDeliveries.get({ sessionId, limit: 1 }) : statements.sessionDelivery.get({ sessionId, id }),
    );
  }

  /**
   * Gives a dead letter of the session one more attempt now. If it fails again it stays a dead
   * letter (with the new error); if it applies, the saga goes on from there.
   */
  retryDeadLetter(sessionId: string, id: number): ByHand | null {
    return this.runByHand(() => this.bus.statements.sessionDeadLetter.get({ sessionId, id }));
  }

  private runByHand(choose: () => DueDeliveryRow | null): ByHand | null {
    const round = newRound<P>();
    const delivery = transaction(this.bus.db, () => {
      const chosen = choose();
      if (chosen) this.deliverScheduled(chosen, eventOfDelivery(chosen), round);
      return chosen;
    });
    this.committed(round);
    if (!delivery) return null;
    // What it emitted is handed over at once (run, or held in step mode), so whoever stepped
    // sees the next deliveries as soon as this answers.
    this.runDue(this.batchSize);
    this.wake();
    const entry = round.attempts[0]?.entry;
    return { delivery, outcome: entry?.outcome ?? "applied", ...(entry?.error ? { error: entry.error } : {}) };
  }

  /** Starts delivering on real timers: at once for what is overdue (crash recovery), then as things fall due. */
  start(): void {
    if (this.stopListening) return;
    this.stopListening = this.bus.listen(() => this.wake());
    this.wake();
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  private cursor(): number {
    return this.bus.statements.cursor.get()?.lastSeq ?? 0;
  }

  private wake(): void {
    if (!this.stopListening) return;
    // A round already runs as soon as the event loop allows: nothing can be due sooner than
    // that, so the query below (once per commit, the commonest call) is not needed.
    if (this.cancelTimer && this.timerDueAt <= this.clock.now()) return;
    const due = this.nextDueAt();
    // After failed rounds, nothing is tried before the backoff is over.
    const next = due === null ? null : Math.max(due, this.retryRoundsAt);
    if (next === null || next >= this.timerDueAt) return;
    this.cancelTimer?.();
    this.timerDueAt = next;
    const delay = next - this.clock.now();
    if (delay <= 0) {
      // setImmediate runs after pending I/O: HTTP requests that arrived meanwhile are read
      // first and their orders join this round, and there is no timer's minimum delay.
      const immediate = setImmediate(() => this.onTimer());
      this.cancelTimer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.onTimer(), delay);
      this.cancelTimer = () => clearTimeout(timer);
    }
  }

  private onTimer(): void {
    this.cancelTimer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    try {
      this.runDue(this.batchSize);
      if (this.failedRounds > 0) this.log(`relay: delivery rounds succeed again after ${this.failedRounds} failed in a row`);
      this.failedRounds = 0;
      this.retryRoundsAt = 0;
    } catch (error) {
      // A round fails as a whole when the database cannot be written (a full disk): nothing was
      // delivered, and trying again at once would only spin. Back off (0.1 s doubling to 30 s),
      // and log the first failure in full, then only how many followed, at each doubling.
      this.failedRounds += 1;
      this.retryRoundsAt = this.clock.now() + Math.min(ROUND_RETRY_MAX_MS, ROUND_RETRY_BASE_MS * 2 ** (this.failedRounds - 1));
      if (this.failedRounds === 1) this.log("relay: delivery round failed", error);
      else if ((this.failedRounds & (this.failedRounds - 1)) === 0) {
        this.log(`relay: delivery round failed ${this.failedRounds} times in a row: ${messageOf(error)}`);
      }
    }
    this.wake();
  }

  /**
   * The cursor reaches `row`: each subscribed reaction runs now if it is due, or gets a row in
   * the schedule for later. Returns how many ran (successfully or not).
   */
  private handOver(row: EventRow, round: Round<P>): number {
    const reactions = this.bus.reactionsFor(row.type);
    if (reactions.length === 0 || this.isBeingWiped(row.sessionId)) return 0;
    let event: BusEvent<P>;
    try {
      event = this.bus.rowToEvent(row);
    } catch (failure) {
      // A stored payload that no longer parses fails its own deliveries, never the round: the
      // cursor must pass it, or every session would wait behind it.
      for (const reaction of reactions) this.undecidable(row, reaction.name, failure, round);
      return 0;
    }
    const now = this.clock.now();
    let ran = 0;
    for (const reaction of reactions) {
      let delay: number | null;
      let held: boolean;
      try {
        // reactionsFor(event.type) holds only reactions for this type: the cast only narrows.
        delay = reaction.delayMs ? reaction.delayMs(event as never) : 0;
        held = delay !== null && this.isHeld(event.sessionId);
      } catch (failure) {
        // The session's settings (its delay, its step mode) could not be read: only this
        // delivery stops, and only its session waits.
        this.undecidable(row, reaction.name, failure, round);
        continue;
      }
      if (delay === null) continue;
      const dueAt = event.timestamp + Math.max(0, delay);
      if (dueAt > now || held) {
        round.scheduled.add(event.sessionId);
        this.bus.statements.scheduleDelivery.run({
          ...this.rowFor(event, reaction.name, dueAt),
          attempts: 0,
          lastError: null,
          held: held ? 1 : 0,
          deadAt: null,
        });
        continue;
      }
      ran += 1;
      const failure = this.run(reaction, event, round);
      if (failure === null) {
        round.attempts.push(attemptOf(event, reaction.name, 1, now, { outcome: "applied" }));
        continue;
      }
      this.failedFirstAttempt(row, reaction.name, failure, round);
    }
    return ran;
  }

  /** A first attempt that failed becomes a row of the schedule, retried (or dead-lettered) from there. */
  private failedFirstAttempt(event: EventKey, reaction: string, failure: unknown, round: Round<P>): void {
    const after = this.afterFailure(event, reaction, 1, failure, round);
    this.bus.statements.scheduleDelivery.run({
      ...this.rowFor(event, reaction, after.dueAt),
      attempts: 1,
      lastError: messageOf(failure),
      held: 0,
      deadAt: after.deadAt,
    });
  }

  /**
   * A delivery whose due time cannot be decided (its event does not parse, or the session's
   * settings cannot be read) is a dead letter at once, with the reason: a retry after the usual
   * backoff would run it without its delay (an order's deadline minutes early). It stays
   * visible on the bus panel, and `POST /bus/dead-letters/:id/retry` runs it when someone decides.
   */
  private undecidable(event: EventKey, reaction: string, failure: unknown, round: Round<P>): void {
    const now = this.clock.now();
    const error = `its due time could not be decided: ${messageOf(failure)}`;
    this.log(`relay: ${reaction} on event #${event.seq} could not be scheduled and is dead-lettered`, failure);
    round.attempts.push(attemptOf(event, reaction, 1, now, { outcome: "dead_lettered", error }));
    // Counted as spent attempts, so a retry by hand that fails again leaves it a dead letter
    // rather than a row retried by itself, without its delay.
    this.bus.statements.scheduleDelivery.run({
      ...this.rowFor(event, reaction, now),
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: error,
      held: 0,
      deadAt: now,
    });
  }

  private rowFor(event: EventKey, reaction: string, dueAt: number) {
    return { sessionId: event.sessionId, eventSeq: event.seq, reaction, dueAt };
  }

  /**
   * Attempt number `attempt` failed: logs it and answers when it runs again, or that it is
   * dead-lettered (after MAX_DELIVERY_ATTEMPTS attempts).
   */
  private afterFailure(event: EventKey, reaction: string, attempt: number, failure: unknown, round: Round<P>) {
    const now = this.clock.now();
    // An injected fault is the teacher's doing, not a defect: one line, no stack.
    this.log(
      `relay: ${reaction} failed on event #${event.seq} (attempt ${attempt})`,
      failure instanceof InjectedFault ? failure.message : failure,
    );
    if (attempt >= MAX_DELIVERY_ATTEMPTS) {
      round.attempts.push(attemptOf(event, reaction, attempt, now, { outcome: "dead_lettered", error: messageOf(failure) }));
      return { dueAt: now, deadAt: now };
    }
    const dueAt = now + this.backoff(attempt - 1);
    round.attempts.push(attemptOf(event, reaction, attempt, now, { outcome: "failed", error: messageOf(failure), retryAt: dueAt }));
    return { dueAt, deadAt: null };
  }

  /** A row of the schedule that is due: run in a savepoint that also deletes the row. */
  private deliverScheduled(delivery: DueDeliveryRow, row: EventRow | null, round: Round<P>): void {
    const { statements } = this.bus;
    if (!row || this.isBeingWiped(delivery.sessionId)) {
      // The event was removed by a reset, or its session is being wiped: there is nothing left to deliver.
      statements.removeDelivery.run({ id: delivery.id });
      return;
    }
    const reaction = this.bus.reactionNamed(delivery.reaction);
    const failure = reaction
      ? this.runStored(reaction, row, round, () => statements.removeDelivery.run({ id: delivery.id }))
      : new Error(`No reaction named ${delivery.reaction} is subscribed`);
    const attempt = delivery.attempts + 1;
    if (failure === null) {
      round.attempts.push(attemptOf(row, delivery.reaction, attempt, this.clock.now(), { outcome: "applied" }));
      return;
    }
    const after = this.afterFailure(row, delivery.reaction, attempt, failure, round);
    const lastError = messageOf(failure);
    if (after.deadAt !== null) statements.deadLetter.run({ id: delivery.id, lastError, deadAt: after.deadAt });
    else statements.retryLater.run({ id: delivery.id, lastError, dueAt: after.dueAt });
  }

  /** A scheduled delivery of a stored event: a payload that no longer parses is that delivery's failure. */
  private runStored(reaction: Reaction<P>, row: EventRow, round: Round<P>, alsoInSavepoint: () => void): unknown {
    let event: BusEvent<P>;
    try {
      event = this.bus.rowToEvent(row);
    } catch (failure) {
      return failure;
    }
    return this.run(reaction, event, round, alsoInSavepoint);
  }

  /**
   * One delivery in its own savepoint, with `alsoInSavepoint` (removing its row); what it emits
   * joins the round only if it succeeded. Returns what it threw, or null. The session's fault
   * and duplicate rates are read inside, so settings that cannot be read fail this delivery only.
   */
  private run(reaction: Reaction<P>, event: BusEvent<P>, round: Round<P>, alsoInSavepoint?: () => void): unknown {
    const mine: BusEvent<P>[] = [];
    const faults = this.faults;
    let duplicateRate = 0;
    try {
      transaction(this.bus.db, () => {
        const faultRate = faults?.faultRate(event.sessionId) ?? 0;
        duplicateRate = faults?.duplicateRate(event.sessionId) ?? 0;
        if (faults && happens(faultRate, faults.random)) throw new InjectedFault(faultRate);
        // The delivery was handed to this reaction because it subscribed to this event's type,
        // which TypeScript cannot see through the stored name.
        reaction.handle(event as never, {
          now: this.clock.now(),
          emit: (payload) =>
            this.bus.append(
              { ...payload, sessionId: event.sessionId, sagaId: event.sagaId, orderId: event.orderId, causationId: event.id },
              mine,
            ),
        });
        alsoInSavepoint?.();
      });
    } catch (error) {
      return error ?? new Error("a reaction threw nothing");
    }
    round.emitted.push(...mine);
    if (mine.length === 0) round.quiet.add(event.sessionId);
    if (faults && happens(duplicateRate, faults.random)) round.duplicates.push({ event, reaction: reaction.name });
    return null;
  }

  /** Backoff after `attempts` failed attempts: base * 2^attempts, capped. */
  private backoff(attempts: number): number {
    return Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempts);
  }
}

/** What a delivery run by hand came to. */
export type ByHand = { delivery: DueDeliveryRow; outcome: DeliveryLogEntry["outcome"]; error?: string };

/** The transient fault a teacher's `reactionFaultRate` injects. */
export class InjectedFault extends Error {
  constructor(rate: number) {
    super(`Injected fault: the session's reactionFaultRate is ${rate}`);
    this.name = "InjectedFault";
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function attemptOf(
  event: EventKey,
  reaction: string,
  attempt: number,
  at: number,
  result: Pick<DeliveryLogEntry, "outcome" | "error" | "retryAt">,
): Attempt {
  return {
    sessionId: event.sessionId,
    orderId: event.orderId,
    entry: { eventSeq: event.sessionSeq, eventType: event.type, reaction, attempt, at, ...result },
  };
}
