import type { Clock } from "../platform/clock";
import { type Database, deleteSessionRows, transaction } from "../platform/db";
import type { Ids } from "../platform/ids";
import { BusQueries } from "./bus.queries";
import { type BusStatements, busStatements, type EventRow } from "./bus.sql";
import type { BusEvent, EventDraft, EventPayloadBase, PayloadParser, RecipientOf } from "./event";
import { EventLog } from "./event-log";
import type { AnyReaction, Reaction } from "./reaction";
import { DeliverySchedule, LogCursor } from "./schedule";
import { SessionNumbering } from "./session-numbering";
import { Subscriptions, type SubscriptionWrapper } from "./subscriptions";

/** Built events kept for the relay at most: a few seconds of the bench's load, a few MB. */
const UNREACHED_KEPT = 10_000;

export type EventListener<P extends EventPayloadBase> = (events: readonly BusEvent<P>[]) => void;
export type Emit<P extends EventPayloadBase> = (draft: EventDraft<P>) => BusEvent<P>;

interface GroupCommitItem<P extends EventPayloadBase> {
  work: (emit: Emit<P>) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What a round that shared a group commit does once the commit is over: told it committed, or that it failed. */
export interface GroupCommitShare {
  committed(): void;
  failed(error: unknown): void;
}

/**
 * Work that joins each group commit, inside its open transaction, after the group's own (the
 * relay's round): `groupEvents` are the events the group appended, committed with it. Answers
 * null when it ran nothing; throws `SharerFailed` to roll the whole commit back.
 */
export interface GroupCommitSharer<P extends EventPayloadBase> {
  join(groupEvents: readonly BusEvent<P>[]): GroupCommitShare | null;
}

/** The sharer's round failed as a whole: `share` is told once the group has been committed again without it. */
export class SharerFailed extends Error {
  constructor(
    readonly share: GroupCommitShare,
    readonly failure: unknown,
  ) {
    super("the round sharing a group commit failed");
  }
}

interface CommittedGroup<P extends EventPayloadBase> {
  emitted: BusEvent<P>[];
  settle: (() => void)[];
  share: GroupCommitShare | null;
}

export interface BusOptions<P extends EventPayloadBase> {
  db: Database;
  clock: Clock;
  ids: Ids;
  /** Checks a stored payload against the modules' event union (src/modules/events.ts). */
  parsePayload: PayloadParser<P>;
  /** Which payloads are commands, and to whom (none when absent). */
  recipientOf?: RecipientOf<P>;
}

/**
 * The durable in-process bus, generic over the union `P` of the modules' event payloads.
 * `transact` commits a state change together with the events it emits (the outbox); only
 * after the commit are in-memory listeners (the relay's wake-up, long polls, live streams)
 * told. The relay (relay.ts) reads the log past its cursor and hands each event to the
 * reactions subscribed to its type.
 */
export class Bus<P extends EventPayloadBase> {
  readonly db: Database;
  readonly statements: BusStatements;
  /** The session's history, read back as typed events. */
  readonly log: EventLog<P>;
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly parsePayload: PayloadParser<P>;
  /** The module a command is addressed to; null for an event. */
  readonly recipientOf: RecipientOf<P>;
  /** The reactions subscribed, by event type and by name. */
  readonly subscriptions = new Subscriptions<P>();
  /** The relay's schedule (the `deliveries` table). */
  readonly schedule: DeliverySchedule;
  /** How far the relay has read the log. */
  readonly cursor: LogCursor;
  /** What the rest of the server asks of the log and the schedule together, by order. */
  readonly queries: BusQueries<P>;
  private readonly listeners = new Set<EventListener<P>>();
  /**
   * Events this process committed that the relay's cursor has not reached, as built, by seq:
   * the relay hands them over without reading their payload back (JSON.parse and zod, about
   * 10 µs an event; see docs/performance.md). A committed seq is never given again, so an entry
   * can only be the row's own event. Bounded: past the bound the oldest are parsed as before.
   */
  private readonly unreached = new Map<number, BusEvent<P>>();
  /** Each session's own event numbers, written once per commit. */
  private readonly numbering: SessionNumbering;
  private groupCommitQueue: GroupCommitItem<P>[] = [];
  private sharer: GroupCommitSharer<P> | null = null;

  constructor(options: BusOptions<P>) {
    this.db = options.db;
    this.clock = options.clock;
    this.ids = options.ids;
    this.parsePayload = options.parsePayload;
    this.recipientOf = options.recipientOf ?? (() => null);
    this.statements = busStatements(options.db.$client);
    this.log = new EventLog(this.statements, (row) => this.rowToEvent(row));
    this.schedule = new DeliverySchedule(this.statements);
    this.cursor = new LogCursor(this.statements);
    this.queries = new BusQueries(options.db, this.statements);
    this.numbering = new SessionNumbering(options.db, this.statements, options.clock);
  }

  /** Subscribes a reaction to its event type, wrapped (outermost last) by `wrappers`: injected faults, duplicates. */
  subscribe(reaction: AnyReaction<P>, ...wrappers: SubscriptionWrapper<P>[]): void;
  // `Reaction<P>`: one built for a type chosen at run time (notifications' and the orchestrator's
  // lists) is typed for every type of P, its handler taking any of them. TypeScript relates such
  // a reaction to AnyReaction only while P has at most 25 types, so it is accepted as what it is.
  subscribe(reaction: AnyReaction<P> | Reaction<P>, ...wrappers: SubscriptionWrapper<P>[]): void;
  subscribe<T extends P["type"]>(reaction: Reaction<P, T>, ...wrappers: SubscriptionWrapper<P>[]): void {
    this.subscriptions.add(reaction, wrappers);
  }

  /** Runs `work` in one transaction; the events it emits are committed with it or not at all. */
  transact<T>(work: (emit: Emit<P>) => T): T {
    const emitted: BusEvent<P>[] = [];
    const result = transaction(this.db, () => work((draft) => this.append(draft, emitted)));
    this.keepUnreached(emitted);
    this.announce(emitted);
    return result;
  }

  /**
   * Like `transact`, but the work shares one commit with the other `transactTogether` calls
   * made in the same turn of the event loop (group commit). Each piece of work runs in its own
   * savepoint, so it is still atomic with the events it emits and a piece that throws is
   * rolled back alone and rejects alone; the promise settles only after the shared commit, so
   * an HTTP answer never reports something that is not durable. Why: a commit writes every
   * page it dirtied to the WAL; concurrent orders dirty the same leaf pages, so committing them
   * together writes each page once instead of once per order (see docs/performance.md). The
   * relay's round joins the same commit (`shareGroupCommits`), for the same reason.
   */
  transactTogether<T>(work: (emit: Emit<P>) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.groupCommitQueue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after pending I/O, so requests already received join this group.
      if (this.groupCommitQueue.length === 1) setImmediate(() => this.commitGroup());
    });
  }

  /**
   * Lets `sharer` (the relay's round, Relay.start) run inside each group commit after the
   * group's own work, so the orders placed in a turn of the event loop and the deliveries due
   * in it share one COMMIT. It answers what to do once the commit is over, or null when it has
   * nothing to run; if it throws, the whole commit rolls back and the group is committed again
   * alone (see `commitGroup`). Returns the call that stops the sharing.
   */
  shareGroupCommits(sharer: GroupCommitSharer<P>): () => void {
    this.sharer = sharer;
    return () => {
      if (this.sharer === sharer) this.sharer = null;
    };
  }

  private commitGroup(): void {
    const group = this.groupCommitQueue;
    this.groupCommitQueue = [];
    let done: CommittedGroup<P>;
    try {
      done = this.runGroup(group, this.sharer);
    } catch (error) {
      if (!(error instanceof SharerFailed)) {
        // The commit itself failed: nothing of the group was written.
        for (const item of group) item.reject(error);
        return;
      }
      // The shared round failed as a whole (it could not write its cursor, say), and took the
      // group's writes with it: nothing was answered or announced, so the group is simply
      // committed again, alone. An order never fails because a delivery round did.
      error.share.failed(error.failure);
      try {
        done = this.runGroup(group, null);
      } catch (alone) {
        for (const item of group) item.reject(alone);
        return;
      }
    }
    // The shared round keeps the group's events it did not reach; without one, all are kept.
    if (!done.share) this.keepUnreached(done.emitted);
    this.announce(done.emitted);
    done.share?.committed();
    for (const answer of done.settle) answer();
  }

  /** One transaction: each piece of work in its own savepoint, then the sharer's round. */
  private runGroup(group: readonly GroupCommitItem<P>[], sharer: GroupCommitSharer<P> | null): CommittedGroup<P> {
    const emitted: BusEvent<P>[] = [];
    const settle: (() => void)[] = [];
    let share: GroupCommitShare | null = null;
    transaction(this.db, () => {
      for (const item of group) {
        const mine: BusEvent<P>[] = [];
        try {
          const result = transaction(this.db, () => item.work((draft) => this.append(draft, mine)));
          emitted.push(...mine);
          settle.push(() => item.resolve(result));
        } catch (error) {
          settle.push(() => item.reject(error));
        }
      }
      if (sharer) share = sharer.join(emitted);
    });
    return { emitted, settle, share };
  }

  /**
   * Appends an event to the outbox inside the open transaction: one row, nothing else (the relay
   * finds it past its cursor). The event is pushed onto `emitted`, which the caller announces
   * after commit.
   */
  append(draft: EventDraft<P>, emitted: BusEvent<P>[]): BusEvent<P> {
    const now = this.clock.now();
    const id = this.ids.uuid();
    const sessionSeq = this.numbering.next(draft.sessionId, now);
    const kind = this.recipientOf(draft) === null ? "event" : "command";
    const { lastInsertRowid } = this.statements.appendEvent.run({
      id,
      sessionId: draft.sessionId,
      type: draft.type,
      sagaId: draft.sagaId,
      orderId: draft.orderId,
      causationId: draft.causationId,
      timestamp: now,
      data: JSON.stringify(draft.data),
      sessionSeq,
      kind,
      style: draft.style,
    });
    const event: BusEvent<P> = { ...draft, id, seq: Number(lastInsertRowid), sessionSeq, timestamp: now, kind };
    emitted.push(event);
    return event;
  }

  /** Tells in-memory listeners about committed events. A failing listener cannot undo a commit. */
  announce(committed: readonly BusEvent<P>[]): void {
    if (committed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(committed);
      } catch (error) {
        console.error("bus listener failed", error);
      }
    }
  }

  listen(listener: EventListener<P>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Committed events the relay has yet to reach, kept as built for it (called after their commit). */
  keepUnreached(committed: Iterable<BusEvent<P>>): void {
    for (const event of committed) this.unreached.set(event.seq, event);
    for (const seq of this.unreached.keys()) {
      if (this.unreached.size <= UNREACHED_KEPT) break;
      this.unreached.delete(seq);
    }
  }

  /**
   * The event of a row the cursor reaches: as built when this process appended it (in `round`,
   * not committed yet, or committed since), else read back and parsed. The cursor reaches an
   * event once, so its entry goes; a round rolled back after this parses it next time.
   */
  reachedEvent(row: EventRow, round: Map<number, BusEvent<P>>): BusEvent<P> {
    const built = round.get(row.seq) ?? this.unreached.get(row.seq);
    if (built === undefined) return this.rowToEvent(row);
    round.delete(row.seq);
    this.unreached.delete(row.seq);
    return built;
  }

  /**
   * From now on the relay reads every event it has not reached back from the log, as a process
   * started afresh on this database would (tests that change a stored row behind the bus).
   */
  forgetBuilt(): void {
    this.unreached.clear();
  }

  /** The cursor passed a row without handing it to anyone (no recipients, a session being wiped): nothing to keep for it. */
  passedOver(seq: number, round: Map<number, BusEvent<P>>): void {
    round.delete(seq);
    this.unreached.delete(seq);
  }

  /** A stored event, its payload checked against the modules' union. */
  rowToEvent(row: EventRow): BusEvent<P> {
    const payload = this.parsePayload({ type: row.type, data: JSON.parse(row.data) });
    return {
      ...payload,
      id: row.id,
      seq: row.seq,
      sessionSeq: row.sessionSeq,
      sessionId: row.sessionId,
      sagaId: row.sagaId,
      orderId: row.orderId,
      causationId: row.causationId,
      timestamp: row.timestamp,
      kind: row.kind,
      style: row.style,
    };
  }

  /**
   * Removes a session's events, their scheduled deliveries and its numbering (`DELETE /session`).
   * The modules' own rows are theirs to drop. Runs inside the caller's transaction.
   */
  forgetSession(sessionId: string): Record<string, number> {
    this.numbering.forgetSession(sessionId);
    return deleteSessionRows(this.db, sessionId, this.sessionTables);
  }

  /** The tables that keep a session's rows: its schedule, its log and its log's numbering. */
  readonly sessionTables = ["deliveries", "events", "session_event_seqs"] as const;

  /**
   * Every session the bus keeps a row of, with when its log last took an event: its numbering
   * outlives its events and its deliveries exist only with their events, so the numbering alone answers.
   */
  sessionActivity(): { sessionId: string; lastActivity: number }[] {
    return this.statements.sessionActivity.all();
  }

  /** The history of these orders gone, and with it every delivery still scheduled for it (inside the caller's transaction). */
  forgetOrders(sessionId: string, orderIds: readonly string[]): void {
    const ids = JSON.stringify(orderIds);
    this.statements.forgetOrderDeliveries.run({ sessionId, ids });
    this.statements.forgetOrderEvents.run({ sessionId, ids });
  }

  /**
   * What `reaction` still has to run for the order's events (scheduled, held or dead-lettered)
   * is dropped, inside the caller's transaction: a module's timer the order no longer needs (its
   * timeout, once it is final). A round that read the row before finds it gone and runs nothing.
   */
  cancelDeliveries(sessionId: string, orderId: string, reaction: string): void {
    this.schedule.cancel(sessionId, orderId, reaction);
  }

  /** Deliveries of the session whose event is gone: nothing would ever run them. */
  forgetOrphanDeliveries(sessionId: string): void {
    this.statements.forgetOrphanDeliveries.run({ sessionId });
  }
}
