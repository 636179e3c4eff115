import type { Clock } from "../platform/clock";
import { transaction } from "../platform/db";
import type { Timer } from "../platform/timer";
import { type Bus, type GroupCommitShare, SharerFailed } from "./bus";
import type { EventRow } from "./bus.sql";
import type { DeliveryLog, DeliveryOutcome } from "./delivery-log";
import { Dispatcher, messageOf } from "./dispatcher";
import type { BusEvent, EventPayloadBase } from "./event";
import { newRound, type Round } from "./round";
import type { ScheduledDelivery } from "./schedule";
import { Steering } from "./steering";

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
  /** Whether a session's consumers apply duplicates (the `nonIdempotentConsumers` bug); none does when absent. */
  appliesDuplicates?: (sessionId: string) => boolean;
}

/** After a failed round the next waits this long, doubling with each failure in a row, at most the max. */
const ROUND_RETRY_BASE_MS = 100;
const ROUND_RETRY_MAX_MS = 30_000;

/** The log past the cursor, and due deliveries, are read in pages of this many. */
const PAGE_SIZE = 100;

/**
 * Hands committed events to the reactions subscribed to them. Its state is two things, both
 * in the database and both moved in the same transaction as the reactions' effects:
 *
 * - a cursor in the event log: every event up to it has been handed to each of its reactions;
 * - the schedule (`deliveries`, schedule.ts): the (event, reaction) pairs that were not due yet
 *   when the cursor passed the event (a demo delay), or that failed and wait for a retry.
 *
 * A round reads the log past the cursor in commit order and the schedule's due rows, and hands
 * each delivery to the dispatcher (dispatcher.ts), which runs it in its own savepoint or
 * schedules it. The cursor moves and the round commits once, so a crash before the commit loses
 * the whole round and the next process does it again from the same cursor; nothing is done
 * twice, because whatever was done moved the cursor or deleted its row in the same commit
 * (see docs/architecture.md, "Idempotency: one mechanism"). Events a round emits are announced
 * only after its commit, and are read by the same round if it has room.
 *
 * The relay owns time: it only delivers what is due by its clock, waits on its timer, and tests
 * drive it with `runDue()` or a manual timer.
 */
export class Relay<P extends EventPayloadBase> {
  /** The port people steer the bus by (step mode, stepping, retries, duplicates). */
  readonly steering: Steering<P>;
  private readonly dispatcher: Dispatcher<P>;
  private cancelTimer: (() => void) | null = null;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private stopListening: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly log: (message: string, error?: unknown) => void;
  /** Rounds that failed in a row (the database full or gone), and when the next may be tried. */
  private failedRounds = 0;
  private retryRoundsAt = 0;

  constructor(
    private readonly bus: Bus<P>,
    private readonly clock: Clock,
    private readonly timer: Timer,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log ?? ((message, error) => (error === undefined ? console.error(message) : console.error(message, error)));
    const onDeliveriesChanged = options.onDeliveriesChanged ?? (() => {});
    const { db, subscriptions, schedule, cursor } = bus;
    this.dispatcher = new Dispatcher(
      { db, clock, outbox: bus, subscriptions, schedule, cursor },
      {
        retryBaseMs: options.retryBaseMs ?? 1_000,
        retryMaxMs: options.retryMaxMs ?? 60_000,
        log: this.log,
        deliveryLog: options.deliveryLog,
        isHeld: options.isHeld ?? (() => false),
        isBeingWiped: options.isBeingWiped ?? (() => false),
        onDeliveriesChanged,
        onAttempt: options.onAttempt ?? (() => {}),
        appliesDuplicates: options.appliesDuplicates ?? (() => false),
      },
    );
    this.steering = new Steering({
      db,
      schedule,
      dispatcher: this.dispatcher,
      subscriptions,
      recipientOf: bus.recipientOf,
      afterByHand: () => {
        this.runDue(this.batchSize);
        this.wake();
      },
      wake: () => this.wake(),
      onDeliveriesChanged,
    });
  }

  /**
   * Delivers everything due now, including follow-ups that become due at once, in one commit,
   * in due order: an event past the cursor is due at its own time, a scheduled row at its due
   * time. Stops after `limit` steps (an event handed over, or a row run). Returns how many
   * deliveries ran.
   */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    const round = newRound<P>();
    const delivered = transaction(this.bus.db, () => this.deliverDue(round, limit));
    this.dispatcher.committed(round);
    return delivered;
  }

  /** `runDue`'s work, inside the caller's open transaction: `round` is told only once that commits. */
  private deliverDue(round: Round<P>, limit: number): number {
    const { cursor, schedule } = this.bus;
    const { emitted } = round;
    const start = cursor.position();
    let position = start;
    let unread: EventRow[] = [];
    let due: ScheduledDelivery[] = [];
    // A page is read again only when it may hold more: it came back full, or (for the log)
    // this round appended events since. Rows this round schedules are never due in it.
    let moreUnread = true;
    let moreDue = true;
    let appendedSeen = emitted.length;
    let ran = 0;
    for (let steps = 0; steps < limit; steps += 1) {
      if (unread.length === 0 && (moreUnread || emitted.length > appendedSeen)) {
        appendedSeen = emitted.length;
        unread = cursor.eventsAfter(position, PAGE_SIZE);
        moreUnread = unread.length === PAGE_SIZE;
      }
      if (due.length === 0 && moreDue) {
        due = schedule.due(this.clock.now(), PAGE_SIZE);
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
        ran += this.dispatcher.reached(event, round);
        position = event.seq;
      } else if (delivery) {
        due.shift();
        this.dispatcher.attempt({ kind: "scheduled", row: delivery }, round);
        ran += 1;
      } else {
        break;
      }
    }
    if (position !== start) cursor.moveTo(position);
    return ran;
  }

  /**
   * A round inside a group commit (Bus.shareGroupCommits), after the orders placed in this turn:
   * one COMMIT for both. Their events reach their reactions in it, handed over as built. Why it
   * is safe: nothing of the turn is answered or announced before that COMMIT, so a crash before
   * it loses the orders unacknowledged and the round undone, cursor and all, and the next
   * process runs the round again; a round that throws as a whole rolls the turn back, and the
   * bus commits the orders again without it. Nothing runs while the relay backs off after
   * failed rounds.
   */
  private joinGroupCommit(groupEvents: readonly BusEvent<P>[]): GroupCommitShare | null {
    if (this.clock.now() < this.retryRoundsAt) return null;
    const round = newRound<P>();
    for (const event of groupEvents) round.unreached.set(event.seq, event);
    const share: GroupCommitShare = {
      committed: () => {
        // Whatever a pending "soon" would have run, this round ran; the announcements wake the
        // relay again if more is due. Only now: had the COMMIT failed, that timer is the retry.
        if (this.timerDueAt <= this.clock.now()) this.cancelPendingTimer();
        this.dispatcher.committed(round);
        this.roundSucceeded();
      },
      failed: (error) => {
        this.roundFailed(error);
        this.wake();
      },
    };
    try {
      this.deliverDue(round, this.batchSize);
    } catch (error) {
      throw new SharerFailed(share, error);
    }
    return share;
  }

  /** When the next delivery becomes due (ms since the epoch), or null when nothing is ahead. */
  nextDueAt(): number | null {
    return this.bus.cursor.firstUnreadAt() ?? this.bus.schedule.nextDueAt();
  }

  /** How late the relay is on its earliest due work, in ms: 0 when nothing due waits (held rows and dead letters never do). */
  lagMs(): number {
    const due = this.nextDueAt();
    return due === null ? 0 : Math.max(0, this.clock.now() - due);
  }

  /** Work ahead: events the cursor has not reached, plus scheduled deliveries. */
  pendingCount(): number {
    return this.bus.cursor.unreadCount() + this.bus.schedule.count();
  }

  /** Starts delivering on its timer: at once for what is overdue (crash recovery), then as things fall due. */
  start(): void {
    if (this.stopListening) return;
    const stopWaking = this.bus.listen(() => this.wake());
    const stopSharing = this.bus.shareGroupCommits({ join: (groupEvents) => this.joinGroupCommit(groupEvents) });
    this.stopListening = () => {
      stopWaking();
      stopSharing();
    };
    this.wake();
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.cancelPendingTimer();
  }

  private cancelPendingTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
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
    // "Soon" runs after pending I/O: HTTP requests that arrived meanwhile are read first and
    // their orders join this round.
    this.cancelTimer = delay <= 0 ? this.timer.soon(() => this.onTimer()) : this.timer.after(delay, () => this.onTimer());
  }

  private roundSucceeded(): void {
    if (this.failedRounds > 0) this.log(`relay: delivery rounds succeed again after ${this.failedRounds} failed in a row`);
    this.failedRounds = 0;
    this.retryRoundsAt = 0;
  }

  /**
   * A round fails as a whole when the database cannot be written (a full disk): nothing was
   * delivered, and trying again at once would only spin. Back off (0.1 s doubling to 30 s), and
   * log the first failure in full, then only how many followed, at each doubling.
   */
  private roundFailed(error: unknown): void {
    this.failedRounds += 1;
    this.retryRoundsAt = this.clock.now() + Math.min(ROUND_RETRY_MAX_MS, ROUND_RETRY_BASE_MS * 2 ** (this.failedRounds - 1));
    if (this.failedRounds === 1) this.log("relay: delivery round failed", error);
    else if ((this.failedRounds & (this.failedRounds - 1)) === 0) {
      this.log(`relay: delivery round failed ${this.failedRounds} times in a row: ${messageOf(error)}`);
    }
  }

  private onTimer(): void {
    this.cancelTimer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    try {
      this.runDue(this.batchSize);
      this.roundSucceeded();
    } catch (error) {
      this.roundFailed(error);
    }
    this.wake();
  }
}
