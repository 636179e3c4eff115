import { and, asc, count, eq, lte, min } from "drizzle-orm";
import type { Clock } from "../platform/clock";
import type { Database } from "../platform/db";
import { type Bus, rowToEvent } from "./bus";
import { deliveries, events, processedEvents } from "./bus.sql";
import type { BusEvent } from "./events";

type DeliveryRow = typeof deliveries.$inferSelect;

export interface RelayOptions {
  /** Deliveries handled before the relay yields to the event loop, so HTTP stays responsive. */
  batchSize?: number;
  /** Backoff after a reaction throws: base * 2^attempts, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * Delivers scheduled events to reactions. Each delivery is one transaction that runs the
 * reaction, records (event, reaction) in processed_events and removes the delivery; if the
 * record already exists the reaction is skipped, so a duplicate delivery changes nothing.
 * The relay owns time: it only delivers what is due by its clock, and tests drive it with
 * `runDue()` instead of timers.
 */
export class Relay {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private stopListening: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly clock: Clock,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.log = options.log ?? ((message, error) => console.error(message, error));
  }

  /** Delivers everything due now, including follow-ups that become due at once; returns the count. */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    let delivered = 0;
    while (delivered < limit) {
      const due = this.db
        .select()
        .from(deliveries)
        .where(lte(deliveries.dueAt, this.clock.now()))
        .orderBy(asc(deliveries.dueAt), asc(deliveries.id))
        .limit(Math.min(100, limit - delivered))
        .all();
      if (due.length === 0) break;
      for (const delivery of due) this.deliver(delivery);
      delivered += due.length;
    }
    return delivered;
  }

  /** When the next delivery becomes due (ms since the epoch), or null when nothing is scheduled. */
  nextDueAt(): number | null {
    return (
      this.db
        .select({ next: min(deliveries.dueAt) })
        .from(deliveries)
        .get()?.next ?? null
    );
  }

  pendingCount(): number {
    return this.db.select({ n: count() }).from(deliveries).get()?.n ?? 0;
  }

  /** Schedules the event again for each of its reactions: a deliberate duplicate delivery. */
  redeliver(event: BusEvent): void {
    this.db.transaction((tx) => this.bus.schedule(tx, event, this.clock.now()));
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  private wake(): void {
    if (!this.stopListening) return;
    const next = this.nextDueAt();
    if (next === null || next >= this.timerDueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = next;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, next - this.clock.now()));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    try {
      this.runDue(this.batchSize);
    } catch (error) {
      this.log("relay: delivery round failed", error);
    }
    this.wake();
  }

  private deliver(delivery: DeliveryRow): void {
    const emitted: BusEvent[] = [];
    try {
      this.db.transaction((tx) => {
        const row = tx.select().from(events).where(eq(events.seq, delivery.eventSeq)).get();
        const reaction = this.bus.reactionNamed(delivery.reaction);
        if (!row) {
          // The event was removed by a reset; there is nothing left to deliver.
          tx.delete(deliveries).where(eq(deliveries.id, delivery.id)).run();
          return;
        }
        if (!reaction) throw new Error(`No reaction named ${delivery.reaction} is subscribed`);
        const processedKey = and(
          eq(processedEvents.sessionId, row.sessionId),
          eq(processedEvents.eventId, row.id),
          eq(processedEvents.reaction, reaction.name),
        );
        const alreadyProcessed = tx.select({ at: processedEvents.processedAt }).from(processedEvents).where(processedKey).get();
        if (!alreadyProcessed) {
          const event = rowToEvent(row);
          const now = this.clock.now();
          reaction.handle(event, {
            tx,
            now,
            emit: (payload) =>
              this.bus.appendTo(
                tx,
                { ...payload, sessionId: event.sessionId, sagaId: event.sagaId, orderId: event.orderId, causationId: event.id },
                emitted,
              ),
          });
          tx.insert(processedEvents).values({ sessionId: row.sessionId, eventId: row.id, reaction: reaction.name, processedAt: now }).run();
        }
        tx.delete(deliveries).where(eq(deliveries.id, delivery.id)).run();
      });
    } catch (error) {
      emitted.length = 0;
      this.retryLater(delivery, error);
      return;
    }
    this.bus.announce(emitted);
  }

  private retryLater(delivery: DeliveryRow, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log(`relay: ${delivery.reaction} failed on event #${delivery.eventSeq} (attempt ${delivery.attempts + 1})`, error);
    const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** delivery.attempts);
    this.db
      .update(deliveries)
      .set({ attempts: delivery.attempts + 1, lastError: message, dueAt: this.clock.now() + backoff })
      .where(eq(deliveries.id, delivery.id))
      .run();
  }
}
