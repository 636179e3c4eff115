import type { BusStatements, EventRow } from "./bus.sql";
import type { BusEvent, EventPayloadBase } from "./event";

/** Reads of the event log, each answered as typed events. */
export class EventLog<P extends EventPayloadBase> {
  constructor(
    private readonly statements: BusStatements,
    private readonly toEvent: (row: EventRow) => BusEvent<P>,
  ) {}

  /** One saga's trace, in the order the bus committed it. */
  orderEvents(sessionId: string, orderId: string): BusEvent<P>[] {
    return this.statements.orderEvents.all({ sessionId, orderId }).map(this.toEvent);
  }

  /** The session's event log, oldest first, after a session sequence number. */
  sessionEvents(sessionId: string, afterSeq: number, limit: number): BusEvent<P>[] {
    return this.statements.sessionEventsAfter.all({ sessionId, after: afterSeq, limit }).map(this.toEvent);
  }

  /**
   * The session's events after `afterSeq` and up to `throughSeq`, oldest first, as many as fit in
   * `maxBytes` of stored JSON (UTF-8), and always at least one. Rows are read one at a time and
   * reading stops at the budget, so a reader of a log whose events may be 50 KB each (100-line
   * orders) holds one page, never the whole range. Read it again from the last seq it gave.
   */
  sessionEventsPage(sessionId: string, afterSeq: number, throughSeq: number, maxBytes: number): BusEvent<P>[] {
    const page: BusEvent<P>[] = [];
    let bytes = 0;
    for (const row of this.statements.sessionEventsThrough.iterate({ sessionId, after: afterSeq, through: throughSeq })) {
      bytes += Buffer.byteLength(row.data);
      if (page.length > 0 && bytes > maxBytes) break;
      page.push(this.toEvent(row));
    }
    return page;
  }

  /** Whether the session's log holds more than `count` events after `afterSeq`, without reading them. */
  hasMoreThan(sessionId: string, afterSeq: number, count: number): boolean {
    return this.statements.sessionSeqAtOffset.get({ sessionId, after: afterSeq, offset: count }) !== null;
  }

  /** The session's newest events, newest first (the dashboard's log panel). */
  recentSessionEvents(sessionId: string, limit: number): BusEvent<P>[] {
    return this.statements.recentSessionEvents.all({ sessionId, limit }).map(this.toEvent);
  }

  /** How many events the session's log holds. */
  sessionEventCount(sessionId: string): number {
    return this.statements.sessionEventCount.get({ sessionId })?.n ?? 0;
  }

  /** The newest session sequence number the session's log has given (0 for a session that never had an event). */
  newestSessionSeq(sessionId: string): number {
    return this.statements.newestSessionSeq.get({ sessionId })?.lastSeq ?? 0;
  }

  /** One of the session's events by its session sequence number, or undefined. */
  sessionEvent(sessionId: string, sessionSeq: number): BusEvent<P> | undefined {
    const row = this.statements.sessionEvent.get({ sessionId, sessionSeq });
    return row ? this.toEvent(row) : undefined;
  }
}
