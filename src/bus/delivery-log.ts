/** What became of one attempt to deliver an event to a reaction. */
import { orderKey } from "../platform/session";
/** What became of one delivery attempt (the delivery log's, the metrics' and the API's words). */
export const deliveryOutcomes = ["applied", "duplicate_ignored", "failed", "dead_lettered"] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

export interface DeliveryLogEntry {
  eventSeq: number;
  eventType: string;
  reaction: string;
  attempt: number;
  outcome: DeliveryOutcome;
  /** Milliseconds since the epoch. */
  at: number;
  error?: string;
  /** For `failed`: when the next attempt is due (ms since the epoch). */
  retryAt?: number;
  /** For `applied`: the reaction's decision changed nothing, for this reason (its own words). */
  ignoredBecause?: string;
}

/** What the delivery log may hold in memory, in bytes as `entryBytes` and `orderBytes` estimate them. */
export interface DeliveryLogLimits {
  /** All sessions together. */
  maxBytes: number;
  /**
   * One session: a flood of redeliveries (`POST /events/:seq/redeliver` in a loop) or of retries
   * in one session drops that session's least recently delivered-to orders, never another's.
   */
  maxBytesPerSession: number;
  /** Attempts kept per order (a saga has about ten; duplicates and retries add more): the oldest go first. */
  maxEntriesPerOrder: number;
}

export const defaultDeliveryLogLimits: DeliveryLogLimits = {
  // A saga's ten attempts take about 2 KB: 32 MiB keep some 16,000 sagas, 2 MiB a session's last 1,000.
  maxBytes: 32 * 1024 * 1024,
  maxBytesPerSession: 2 * 1024 * 1024,
  maxEntriesPerOrder: 200,
};

/**
 * What an entry costs, estimated from above so the limits hold: its object and fields (about 70
 * bytes measured, `bun tests/bench/delivery-log-memory.ts`; counted as 160) and its strings at two
 * bytes a character, as if each entry had its own copies.
 */
export function entryBytes(entry: DeliveryLogEntry): number {
  return (
    ENTRY_OVERHEAD_BYTES +
    2 * (entry.eventType.length + entry.reaction.length + (entry.error?.length ?? 0) + (entry.ignoredBecause?.length ?? 0))
  );
}
const ENTRY_OVERHEAD_BYTES = 160;
/** An order's own cost: its key (session and order id), its array and its two map slots. */
const orderBytes = (key: string) => ORDER_OVERHEAD_BYTES + 2 * key.length;
const ORDER_OVERHEAD_BYTES = 200;

interface OrderLog {
  key: string;
  sessionId: string;
  entries: DeliveryLogEntry[];
  bytes: number;
}

interface SessionLog {
  /** The session's orders, least recently delivered to first (re-inserted on each record). */
  orders: Map<string, OrderLog>;
  bytes: number;
}

/**
 * Every attempt the relay made to deliver an order's events, with its outcome: what a teacher
 * shows when a duplicate is ignored or a fault is retried. Kept in memory and bounded by bytes
 * (per session and in all), the least recently delivered-to orders going first, because it is a
 * view for people, not a record the saga depends on: the relay's cursor and schedule are what it
 * relies on. After a restart it starts empty.
 */
export class DeliveryLog {
  /** Every order's log, least recently delivered to first. */
  private readonly byOrder = new Map<string, OrderLog>();
  private readonly bySession = new Map<string, SessionLog>();
  private totalBytes = 0;
  private readonly limits: DeliveryLogLimits;

  constructor(limits: Partial<DeliveryLogLimits> = {}) {
    this.limits = { ...defaultDeliveryLogLimits, ...limits };
  }

  record(sessionId: string, orderId: string, entry: DeliveryLogEntry): void {
    const key = orderKey(sessionId, orderId);
    const session = this.bySession.get(sessionId) ?? { orders: new Map<string, OrderLog>(), bytes: 0 };
    this.bySession.set(sessionId, session);
    const order = this.byOrder.get(key) ?? { key, sessionId, entries: [], bytes: 0 };
    if (order.entries.length === 0) this.charge(order, session, orderBytes(key));
    // Re-inserted in both maps: their order is then least recently delivered to first.
    this.byOrder.delete(key);
    this.byOrder.set(key, order);
    session.orders.delete(key);
    session.orders.set(key, order);
    order.entries.push(entry);
    this.charge(order, session, entryBytes(entry));
    if (order.entries.length > this.limits.maxEntriesPerOrder) this.dropOldestEntry(order, session);
    while (session.bytes > this.limits.maxBytesPerSession && this.shrink(session.orders, order));
    while (this.totalBytes > this.limits.maxBytes && this.shrink(this.byOrder, order));
  }

  /** Drops every order's log of the session (`DELETE /session`). */
  forgetSession(sessionId: string): undefined {
    const session = this.bySession.get(sessionId);
    if (!session) return;
    for (const key of session.orders.keys()) this.byOrder.delete(key);
    this.totalBytes -= session.bytes;
    this.bySession.delete(sessionId);
  }

  forOrder(sessionId: string, orderId: string): readonly DeliveryLogEntry[] {
    return this.byOrder.get(orderKey(sessionId, orderId))?.entries ?? [];
  }

  /** What the log holds, as estimated against its limits. */
  get bytes(): number {
    return this.totalBytes;
  }

  bytesOf(sessionId: string): number {
    return this.bySession.get(sessionId)?.bytes ?? 0;
  }

  /**
   * Frees room in `orders` (the session's or everyone's): the least recently delivered-to order
   * goes whole, unless it is the one just recorded, which then loses its oldest attempt instead
   * (an order whose attempts alone outgrow the budget keeps its newest ones). False: nothing to free.
   */
  private shrink(orders: Map<string, OrderLog>, current: OrderLog): boolean {
    const oldest = orders.values().next().value;
    const session = oldest && this.bySession.get(oldest.sessionId);
    if (!oldest || !session) return false;
    if (oldest === current && oldest.entries.length > 1) this.dropOldestEntry(oldest, session);
    else this.dropOrder(oldest, session);
    return true;
  }

  private dropOldestEntry(order: OrderLog, session: SessionLog): void {
    const dropped = order.entries.shift();
    if (dropped) this.charge(order, session, -entryBytes(dropped));
  }

  private dropOrder(order: OrderLog, session: SessionLog): void {
    this.byOrder.delete(order.key);
    session.orders.delete(order.key);
    this.charge(order, session, -order.bytes);
    if (session.orders.size === 0) this.bySession.delete(order.sessionId);
  }

  private charge(order: OrderLog, session: SessionLog, bytes: number): void {
    order.bytes += bytes;
    session.bytes += bytes;
    this.totalBytes += bytes;
  }
}
