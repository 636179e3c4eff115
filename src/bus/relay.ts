import type { Clock } from "../platform/clock";
import { transaction } from "../platform/db";
import type { Bus } from "./bus";
import { type DueDeliveryRow, type EventRow, eventOfDelivery } from "./bus.sql";
import type { BusEvent, EventPayloadBase } from "./event";

export interface RelayOptions {
  /** Deliveries handled in one round (one commit) before the relay yields to the event loop, so HTTP stays responsive. */
  batchSize?: number;
  /** Backoff after a reaction throws: base * 2^attempts, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** Due deliveries are read in pages of this many, oldest due first. */
const PAGE_SIZE = 100;

/**
 * Delivers scheduled events to reactions. Each delivery runs in its own savepoint that records
 * (event, reaction) in processed_events, runs the reaction and removes the delivery, so it is
 * atomic with its processed record: if the record already exists the reaction is skipped (a
 * duplicate delivery changes nothing), and if the reaction throws, everything it did is
 * rolled back and the delivery is retried later. The deliveries of one round share one
 * commit: a crash before it loses the whole round, which is then delivered again from the
 * durable schedule, exactly as a crash before a single delivery's commit would. (One commit
 * per delivery wrote the same B-tree pages to the WAL over and over; see docs/performance.md.)
 * Events a round emits are announced only after its commit.
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

  constructor(
    private readonly bus: Bus<P>,
    private readonly clock: Clock,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.log = options.log ?? ((message, error) => console.error(message, error));
  }

  /**
   * Delivers everything due now, including follow-ups that become due at once, up to `limit`
   * deliveries, in one commit; returns the count.
   */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    const emitted: BusEvent<P>[] = [];
    const delivered = transaction(this.bus.db, () => {
      let done = 0;
      while (done < limit) {
        const due = this.bus.statements.dueDeliveries.all({ now: this.clock.now(), limit: Math.min(PAGE_SIZE, limit - done) });
        if (due.length === 0) break;
        for (const delivery of due) this.deliver(delivery, eventOfDelivery(delivery), emitted);
        done += due.length;
      }
      return done;
    });
    this.bus.announce(emitted);
    return delivered;
  }

  /** When the next delivery becomes due (ms since the epoch), or null when nothing is scheduled. */
  nextDueAt(): number | null {
    return this.bus.statements.nextDueAt.get()?.next ?? null;
  }

  pendingCount(): number {
    return this.bus.statements.pendingCount.get()?.n ?? 0;
  }

  /** Schedules the event again for each of its reactions: a deliberate duplicate delivery. */
  redeliver(event: BusEvent<P>): void {
    transaction(this.bus.db, () => this.bus.schedule(event, this.clock.now()));
    this.wake();
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

  /** One delivery in its own savepoint; what it emits joins `emitted` only if it succeeded. */
  private deliver(delivery: DueDeliveryRow, row: EventRow | null, emitted: BusEvent<P>[]): void {
    const { statements } = this.bus;
    const mine: BusEvent<P>[] = [];
    try {
      transaction(this.bus.db, () => {
        if (!row) {
          // The event was removed by a reset; there is nothing left to deliver.
          statements.removeDelivery.run({ id: delivery.id });
          return;
        }
        const reaction = this.bus.reactionNamed(delivery.reaction);
        if (!reaction) throw new Error(`No reaction named ${delivery.reaction} is subscribed`);
        const now = this.clock.now();
        // Recorded first, in the same savepoint as the reaction: if the reaction throws, the
        // record is rolled back with everything else; if it was already there, this is a
        // duplicate delivery and the reaction is skipped.
        const recorded = statements.recordProcessed.get({
          sessionId: row.sessionId,
          eventId: row.id,
          reaction: reaction.name,
          processedAt: now,
        });
        if (recorded !== null) {
          const event = this.bus.rowToEvent(row);
          // The delivery was scheduled for this reaction because it subscribed to this event's
          // type (Bus.schedule), which TypeScript cannot see through the stored name.
          reaction.handle(event as never, {
            now,
            emit: (payload) =>
              this.bus.append(
                { ...payload, sessionId: event.sessionId, sagaId: event.sagaId, orderId: event.orderId, causationId: event.id },
                mine,
              ),
          });
        }
        statements.removeDelivery.run({ id: delivery.id });
      });
    } catch (error) {
      this.retryLater(delivery, error);
      return;
    }
    emitted.push(...mine);
  }

  private retryLater(delivery: DueDeliveryRow, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log(`relay: ${delivery.reaction} failed on event #${delivery.eventSeq} (attempt ${delivery.attempts + 1})`, error);
    const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** delivery.attempts);
    this.bus.statements.retryLater.run({ id: delivery.id, lastError: message, dueAt: this.clock.now() + backoff });
  }
}
