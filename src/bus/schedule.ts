import type { BusStatements, DueDeliveryRow, EventRow } from "./bus.sql";

/** A row of the schedule as its readers see it: the delivery, with its event's columns (null once a reset removed the event). */
export type ScheduledDelivery = DueDeliveryRow;

/** What a new row of the schedule says: which event, for which reaction, due when, and how it stands. */
export interface NewDelivery {
  sessionId: string;
  eventSeq: number;
  reaction: string;
  dueAt: number;
  attempts: number;
  lastError: string | null;
  held: boolean;
  deadAt: number | null;
}

/**
 * The `deliveries` table: the (event, reaction) pairs that were not due yet when the relay's
 * cursor passed their event (a demo delay, step mode), that failed and wait for a retry, or
 * that were dead-lettered. Every write runs inside the caller's transaction, so a row moves
 * in the same commit as the reaction it runs.
 */
export class DeliverySchedule {
  constructor(private readonly statements: BusStatements) {}

  add(delivery: NewDelivery): void {
    this.statements.scheduleDelivery.run({ ...delivery, held: delivery.held ? 1 : 0 });
  }

  /**
   * The row is done with: run, or with nothing left to run (its event or its session gone).
   * False: it was already gone (cancelled since it was read), so nothing may run for it.
   */
  remove(id: number): boolean {
    return this.statements.removeDelivery.run({ id }).changes > 0;
  }

  /**
   * Whatever `reaction` still has to run for the order's events (scheduled, held or
   * dead-lettered) will never run: the order no longer needs it (its timeout, once it is final).
   */
  cancel(sessionId: string, orderId: string, reaction: string): void {
    this.statements.cancelOrderDeliveries.run({ sessionId, orderId, reaction });
  }

  /** An attempt failed: one more attempt counted, due again at `dueAt`. */
  retryLater(id: number, lastError: string, dueAt: number): void {
    this.statements.retryLater.run({ id, lastError, dueAt });
  }

  /** An attempt failed for the last time: never run again unless someone retries it by hand. */
  deadLetter(id: number, lastError: string, deadAt: number): void {
    this.statements.deadLetter.run({ id, lastError, deadAt });
  }

  /** Step mode turned on: the session's scheduled rows wait until run by hand. */
  hold(sessionId: string): void {
    this.statements.holdSession.run({ sessionId });
  }

  /** Step mode turned off: the session's held rows are due again at their own times. */
  release(sessionId: string): void {
    this.statements.releaseSession.run({ sessionId });
  }

  /** The rows due by `now` (not held, not dead), in due order, with their events. */
  due(now: number, limit: number): ScheduledDelivery[] {
    return this.statements.dueDeliveries.all({ now, limit });
  }

  /** When the earliest row not held and not dead is due, or null. */
  nextDueAt(): number | null {
    return this.statements.nextDueAt.get()?.next ?? null;
  }

  /** Rows still to run (held ones too, never the dead letters). */
  count(): number {
    return this.statements.scheduledCount.get()?.n ?? 0;
  }

  /** Whether the pair has a row (scheduled, held or dead): then it has not been handled yet. */
  has(eventSeq: number, reaction: string): boolean {
    return this.statements.pendingDelivery.get({ eventSeq, reaction }) !== null;
  }

  /** A session's scheduled rows, next due first (at most `limit`). */
  ofSession(sessionId: string, limit: number): ScheduledDelivery[] {
    return this.statements.sessionDeliveries.all({ sessionId, limit });
  }

  /** One scheduled row of the session (not a dead letter), or null. */
  scheduled(sessionId: string, id: number): ScheduledDelivery | null {
    return this.statements.sessionDelivery.get({ sessionId, id });
  }

  /** A session's dead letters, the latest first (at most `limit`). */
  deadLettersOf(sessionId: string, limit: number): ScheduledDelivery[] {
    return this.statements.sessionDeadLetters.all({ sessionId, limit });
  }

  /** One dead letter of the session, or null. */
  deadLetterOf(sessionId: string, id: number): ScheduledDelivery | null {
    return this.statements.sessionDeadLetter.get({ sessionId, id });
  }

  /** An order's scheduled rows, next due first, then its dead letters: what its saga waits for. */
  ofOrder(sessionId: string, orderId: string): ScheduledDelivery[] {
    return this.statements.orderDeliveries.all({ sessionId, orderId });
  }
}

/**
 * How far the relay has read the event log (`relay_cursor`): every event up to it has been
 * handed to each of its reactions. Moved in the same transaction as the reactions' effects.
 */
export class LogCursor {
  constructor(private readonly statements: BusStatements) {}

  position(): number {
    return this.statements.cursor.get()?.lastSeq ?? 0;
  }

  moveTo(seq: number): void {
    this.statements.moveCursor.run({ lastSeq: seq });
  }

  /** The log after `seq`, in commit order (at most `limit`). */
  eventsAfter(seq: number, limit: number): EventRow[] {
    return this.statements.eventsAfter.all({ after: seq, limit });
  }

  /** When the first event past the cursor was committed, or null: then there is work due at once. */
  firstUnreadAt(): number | null {
    return this.statements.firstEventAfter.get({ after: this.position() })?.timestamp ?? null;
  }

  /** Events past the cursor. */
  unreadCount(): number {
    return this.statements.eventsAfterCount.get({ after: this.position() })?.n ?? 0;
  }
}
