import type { Clock } from "../platform/clock";
import type { Database, Tx } from "../platform/db";
import type { Ids } from "../platform/ids";
import { and, eq, like, sql } from "drizzle-orm";
import { deliveries, events, processedEvents } from "./bus.sql";
import type { BusEvent, EventDraft, EventPayload, EventType } from "./events";

/** What a reaction may do besides touching its own module's tables: emit the events it causes. */
export interface ReactionContext {
  tx: Tx;
  now: number;
  emit: (payload: EventPayload) => BusEvent;
}

/**
 * A module's reaction to one event type. It runs inside the relay's delivery transaction and
 * never awaits: time-based behaviour is its `delayMs`, which becomes the delivery's due time.
 */
export interface Reaction<T extends EventType = EventType> {
  /** Stable and unique (`module.intent`): stored with each delivery and processed record. */
  name: string;
  on: T;
  delayMs?: (event: BusEvent<T>) => number;
  handle: (event: BusEvent<T>, ctx: ReactionContext) => void;
}

/** Any one reaction, whatever event type it is for. */
export type AnyReaction = { [T in EventType]: Reaction<T> }[EventType];

interface GroupCommitItem {
  work: (tx: Tx, emit: (draft: EventDraft) => BusEvent) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export type EventListener = (events: readonly BusEvent[]) => void;

/**
 * The durable in-process bus. `transact` commits a state change together with the events it
 * emits and, for each subscribed reaction, a scheduled delivery; only after the commit are
 * in-memory listeners (the relay's wake-up, long polls, live streams) told.
 */
export class Bus {
  private readonly reactionsByType = new Map<EventType, Reaction[]>();
  private readonly reactionsByName = new Map<string, Reaction>();
  private readonly listeners = new Set<EventListener>();
  private readonly statements: ReturnType<typeof outboxStatements>;
  private groupCommitQueue: GroupCommitItem[] = [];

  constructor(
    readonly db: Database,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {
    this.statements = outboxStatements(db);
  }

  subscribe(reaction: AnyReaction): void {
    if (this.reactionsByName.has(reaction.name)) throw new Error(`Reaction ${reaction.name} is subscribed twice`);
    const generic = reaction as unknown as Reaction;
    this.reactionsByName.set(reaction.name, generic);
    this.reactionsByType.set(reaction.on, [...(this.reactionsByType.get(reaction.on) ?? []), generic]);
  }

  reactionsFor(type: EventType): readonly Reaction[] {
    return this.reactionsByType.get(type) ?? [];
  }

  reactionNamed(name: string): Reaction | undefined {
    return this.reactionsByName.get(name);
  }

  /** Runs `work` in one transaction; the events it emits are committed with it or not at all. */
  transact<T>(work: (tx: Tx, emit: (draft: EventDraft) => BusEvent) => T): T {
    const emitted: BusEvent[] = [];
    const result = this.db.transaction((tx) => work(tx, (draft) => this.appendTo(tx, draft, emitted)));
    this.announce(emitted);
    return result;
  }

  /**
   * Like `transact`, but the work shares one commit with the other `transactTogether` calls
   * made in the same turn of the event loop (group commit). Each piece of work runs in its own
   * savepoint, so it is still atomic with the events it emits and a piece that throws is
   * rolled back alone and rejects alone; the promise settles only after the shared commit, so
   * an HTTP answer never reports something that is not durable. Why: on this machine a commit
   * writes every page it dirtied to the WAL and, every 1,000 pages, checkpoints with two
   * fsyncs; concurrent orders dirty the same leaf pages, so committing them together writes
   * each page once instead of once per order (see the README, "Performance").
   */
  transactTogether<T>(work: (tx: Tx, emit: (draft: EventDraft) => BusEvent) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.groupCommitQueue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after pending I/O, so requests already received join this group.
      if (this.groupCommitQueue.length === 1) setImmediate(() => this.commitGroup());
    });
  }

  private commitGroup(): void {
    const group = this.groupCommitQueue;
    this.groupCommitQueue = [];
    const emitted: BusEvent[] = [];
    const settle: (() => void)[] = [];
    try {
      this.db.transaction((tx) => {
        for (const item of group) {
          const mine: BusEvent[] = [];
          try {
            const result = tx.transaction((sp) => item.work(sp, (draft) => this.appendTo(sp, draft, mine)));
            emitted.push(...mine);
            settle.push(() => item.resolve(result));
          } catch (error) {
            settle.push(() => item.reject(error));
          }
        }
      });
    } catch (error) {
      // The commit itself failed: nothing of the group was written.
      for (const item of group) item.reject(error);
      return;
    }
    this.announce(emitted);
    for (const answer of settle) answer();
  }

  /**
   * Appends an event to the outbox inside the caller's transaction and schedules its
   * deliveries. The event is pushed onto `emitted`, which the caller announces after commit.
   */
  appendTo(tx: Tx, draft: EventDraft, emitted: BusEvent[]): BusEvent {
    const now = this.clock.now();
    const id = this.ids.uuid();
    // A statement compiled on the database runs on the same connection, so inside `tx`.
    const { seq } = this.statements.appendEvent.get({
      id,
      sessionId: draft.sessionId,
      type: draft.type,
      sagaId: draft.sagaId,
      orderId: draft.orderId,
      causationId: draft.causationId,
      timestamp: now,
      data: draft.data,
    }) as { seq: number };
    const event = { ...draft, id, seq, timestamp: now } as BusEvent;
    this.schedule(tx, event);
    emitted.push(event);
    return event;
  }

  /**
   * Schedules one delivery of `event` to each reaction subscribed to its type, due `delayMs`
   * after `from` (the event's own time, or now for a redelivery).
   */
  schedule(tx: Tx, event: BusEvent, from = event.timestamp): void {
    // `tx` is the caller's transaction; the compiled statement runs on the same connection.
    for (const reaction of this.reactionsFor(event.type)) {
      this.statements.scheduleDelivery.run({
        sessionId: event.sessionId,
        eventSeq: event.seq,
        reaction: reaction.name,
        dueAt: from + Math.max(0, reaction.delayMs?.(event) ?? 0),
      });
    }
  }

  /** Tells in-memory listeners about committed events. A failing listener cannot undo a commit. */
  announce(committed: readonly BusEvent[]): void {
    if (committed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(committed);
      } catch (error) {
        console.error("bus listener failed", error);
      }
    }
  }

  /**
   * Removes a session's events, their pending deliveries (by cascade) and its processed
   * records: what `POST /orders/reset` promises. The modules' own rows are theirs to drop.
   */
  forgetSession(tx: Tx, sessionId: string): void {
    tx.delete(events).where(eq(events.sessionId, sessionId)).run();
    tx.delete(deliveries).where(eq(deliveries.sessionId, sessionId)).run();
    tx.delete(processedEvents).where(eq(processedEvents.sessionId, sessionId)).run();
  }

  /** The orders of a session that still have deliveries scheduled: sagas the bus has not finished. */
  ordersWithScheduledDeliveries(tx: Tx, sessionId: string): string[] {
    return tx
      .selectDistinct({ orderId: events.orderId })
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .where(eq(deliveries.sessionId, sessionId))
      .all()
      .map((row) => row.orderId);
  }

  /** Removes the processed records of one module's reactions (`inventory.`, `payments.`) in a session. */
  forgetProcessed(tx: Tx, sessionId: string, reactionPrefix: string): void {
    tx.delete(processedEvents)
      .where(and(eq(processedEvents.sessionId, sessionId), like(processedEvents.reaction, `${reactionPrefix}%`)))
      .run();
  }

  listen(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

/**
 * The outbox's two writes, compiled once per database: they run for every event, and
 * building and compiling them each time cost more than the writes (see the README, "Performance").
 */
function outboxStatements(db: Database) {
  const p = sql.placeholder;
  return {
    appendEvent: db
      .insert(events)
      .values({
        id: p("id"),
        sessionId: p("sessionId"),
        type: p("type"),
        sagaId: p("sagaId"),
        orderId: p("orderId"),
        causationId: p("causationId"),
        timestamp: p("timestamp"),
        data: p("data"),
      })
      .returning({ seq: events.seq })
      .prepare(),
    scheduleDelivery: db
      .insert(deliveries)
      .values({ sessionId: p("sessionId"), eventSeq: p("eventSeq"), reaction: p("reaction"), dueAt: p("dueAt") })
      .prepare(),
  };
}

export function rowToEvent(row: typeof events.$inferSelect): BusEvent {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type,
    sessionId: row.sessionId,
    sagaId: row.sagaId,
    orderId: row.orderId,
    causationId: row.causationId,
    timestamp: row.timestamp,
    data: row.data,
  } as BusEvent;
}
