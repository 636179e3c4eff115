import type { Clock } from "../platform/clock";
import { transaction } from "../platform/db";
import type { Bus } from "./bus";
import { type DueDeliveryRow, type EventRow, eventOfDelivery } from "./bus.sql";
import type { DeliveryLog, DeliveryLogEntry } from "./delivery-log";
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
}

type Attempt = { sessionId: string; orderId: string; entry: DeliveryLogEntry };

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

  constructor(
    private readonly bus: Bus<P>,
    private readonly clock: Clock,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.log = options.log ?? ((message, error) => console.error(message, error));
    this.deliveryLog = options.deliveryLog;
    this.isHeld = options.isHeld ?? (() => false);
  }

  /**
   * Delivers everything due now, including follow-ups that become due at once, in one commit,
   * in due order: an event past the cursor is due at its own time, a scheduled row at its due
   * time. Stops after `limit` steps (an event handed over, or a row run). Returns how many
   * deliveries ran.
   */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    const { statements } = this.bus;
    const emitted: BusEvent<P>[] = [];
    const attempts: Attempt[] = [];
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
        if (event && (!delivery || event.timestamp <= delivery.dueAt)) {
          unread.shift();
          ran += this.handOver(event, emitted, attempts);
          cursor = event.seq;
        } else if (delivery) {
          due.shift();
          this.deliverScheduled(delivery, eventOfDelivery(delivery), emitted, attempts);
          ran += 1;
        } else {
          break;
        }
      }
      if (cursor !== start) statements.moveCursor.run({ lastSeq: cursor });
      return ran;
    });
    // Recorded only once the round is committed: a rolled-back round delivered nothing.
    for (const { sessionId, orderId, entry } of attempts) this.deliveryLog?.record(sessionId, orderId, entry);
    this.bus.announce(emitted);
    return delivered;
  }

  /** When the next delivery becomes due (ms since the epoch), or null when nothing is ahead. */
  nextDueAt(): number | null {
    const unread = this.bus.statements.firstEventAfter.get({ after: this.cursor() });
    if (unread) return unread.timestamp;
    return this.bus.statements.nextDueAt.get()?.next ?? null;
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
    const handledUpTo = this.cursor();
    const now = this.clock.now();
    return this.bus.reactionsFor(event.type).map((reaction) => {
      const pending = event.seq > handledUpTo || this.bus.statements.pendingDelivery.get({ eventSeq: event.seq, reaction: reaction.name });
      if (pending) return { reaction: reaction.name, outcome: "not_yet_delivered" as const };
      const earlier = this.deliveryLog
        ?.forOrder(event.sessionId, event.orderId)
        .filter((e) => e.eventSeq === event.seq && e.reaction === reaction.name);
      this.deliveryLog?.record(event.sessionId, event.orderId, {
        eventSeq: event.seq,
        eventType: event.type,
        reaction: reaction.name,
        attempt: (earlier?.length ?? 0) + 1,
        outcome: "duplicate_ignored",
        at: now,
      });
      return { reaction: reaction.name, outcome: "duplicate_ignored" as const };
    });
  }

  /** A session's scheduled deliveries, next due first (at most `limit`). */
  scheduledFor(sessionId: string, limit: number): DueDeliveryRow[] {
    return this.bus.statements.sessionDeliveries.all({ sessionId, limit });
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
  deliverNow(sessionId: string, id?: number): { delivery: DueDeliveryRow; outcome: DeliveryLogEntry["outcome"]; error?: string } | null {
    const emitted: BusEvent<P>[] = [];
    const attempts: Attempt[] = [];
    const delivery = transaction(this.bus.db, () => {
      const chosen =
        id === undefined
          ? this.bus.statements.sessionDeliveries.get({ sessionId, limit: 1 })
          : this.bus.statements.sessionDelivery.get({ sessionId, id });
      if (chosen) this.deliverScheduled(chosen, eventOfDelivery(chosen), emitted, attempts);
      return chosen;
    });
    for (const { sessionId: session, orderId, entry } of attempts) this.deliveryLog?.record(session, orderId, entry);
    this.bus.announce(emitted);
    if (!delivery) return null;
    // What it emitted is handed over at once (run, or held in step mode), so whoever stepped
    // sees the next deliveries as soon as this answers.
    this.runDue(this.batchSize);
    this.wake();
    const entry = attempts[0]?.entry;
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
    const next = this.nextDueAt();
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
    } catch (error) {
      this.log("relay: delivery round failed", error);
    }
    this.wake();
  }

  /**
   * The cursor reaches `row`: each subscribed reaction runs now if it is due, or gets a row in
   * the schedule for later. Returns how many ran (successfully or not).
   */
  private handOver(row: EventRow, emitted: BusEvent<P>[], attempts: Attempt[]): number {
    const reactions = this.bus.reactionsFor(row.type);
    if (reactions.length === 0) return 0;
    const event = this.bus.rowToEvent(row);
    const now = this.clock.now();
    const held = this.isHeld(event.sessionId);
    let ran = 0;
    for (const reaction of reactions) {
      // reactionsFor(event.type) holds only reactions for this type: the cast only narrows.
      const dueAt = event.timestamp + Math.max(0, reaction.delayMs?.(event as never) ?? 0);
      if (dueAt > now || held) {
        this.schedule(event, reaction, dueAt, 0, null);
        continue;
      }
      ran += 1;
      const failure = this.run(reaction, event, emitted);
      attempts.push(attemptOf(event, reaction.name, 1, now, failure));
      if (failure !== null) {
        this.log(`relay: ${reaction.name} failed on event #${event.seq} (attempt 1)`, failure);
        this.schedule(event, reaction, now + this.backoff(0), 1, messageOf(failure));
      }
    }
    return ran;
  }

  /** A row of the schedule that is due: run in a savepoint that also deletes the row. */
  private deliverScheduled(delivery: DueDeliveryRow, row: EventRow | null, emitted: BusEvent<P>[], attempts: Attempt[]): void {
    const { statements } = this.bus;
    if (!row) {
      // The event was removed by a reset; there is nothing left to deliver.
      statements.removeDelivery.run({ id: delivery.id });
      return;
    }
    const reaction = this.bus.reactionNamed(delivery.reaction);
    const event = this.bus.rowToEvent(row);
    const failure = reaction
      ? this.run(reaction, event, emitted, () => statements.removeDelivery.run({ id: delivery.id }))
      : new Error(`No reaction named ${delivery.reaction} is subscribed`);
    attempts.push(attemptOf(event, delivery.reaction, delivery.attempts + 1, this.clock.now(), failure));
    if (failure === null) return;
    this.log(`relay: ${delivery.reaction} failed on event #${delivery.eventSeq} (attempt ${delivery.attempts + 1})`, failure);
    statements.retryLater.run({
      id: delivery.id,
      lastError: messageOf(failure),
      dueAt: this.clock.now() + this.backoff(delivery.attempts),
    });
  }

  /**
   * One delivery in its own savepoint, with `alsoInSavepoint` (removing its row); what it emits
   * joins `emitted` only if it succeeded. Returns what it threw, or null.
   */
  private run(reaction: Reaction<P>, event: BusEvent<P>, emitted: BusEvent<P>[], alsoInSavepoint?: () => void): unknown {
    const mine: BusEvent<P>[] = [];
    try {
      transaction(this.bus.db, () => {
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
    emitted.push(...mine);
    return null;
  }

  private schedule(event: BusEvent<P>, reaction: Reaction<P>, dueAt: number, attempts: number, lastError: string | null): void {
    const held = this.isHeld(event.sessionId) ? 1 : 0;
    this.bus.statements.scheduleDelivery.run({
      sessionId: event.sessionId,
      eventSeq: event.seq,
      reaction: reaction.name,
      dueAt,
      attempts,
      lastError,
      held,
    });
  }

  /** Backoff after `attempts` failed attempts: base * 2^attempts, capped. */
  private backoff(attempts: number): number {
    return Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempts);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function attemptOf(event: BusEvent<EventPayloadBase>, reaction: string, attempt: number, at: number, failure: unknown): Attempt {
  const entry: DeliveryLogEntry =
    failure === null
      ? { eventSeq: event.seq, eventType: event.type, reaction, attempt, outcome: "applied", at }
      : { eventSeq: event.seq, eventType: event.type, reaction, attempt, outcome: "failed", at, error: messageOf(failure) };
  return { sessionId: event.sessionId, orderId: event.orderId, entry };
}
