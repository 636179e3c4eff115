/** What became of one attempt to deliver an event to a reaction. */
export type DeliveryOutcome = "applied" | "duplicate_ignored" | "failed" | "dead_lettered";

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
}

/** At most this many orders keep their log, the least recently delivered to going first. */
export const DELIVERY_LOG_ORDERS = 10_000;
/** At most this many entries per order (a saga has about ten; duplicates and retries add more). */
export const DELIVERY_LOG_ENTRIES_PER_ORDER = 200;

/**
 * Every attempt the relay made to deliver an order's events, with its outcome: what a teacher
 * shows when a duplicate is ignored or a fault is retried. Kept in memory and bounded (the
 * newest orders, a few hundred entries each), because it is a view for people, not a record
 * the saga depends on: the relay's cursor and schedule are what it relies on. After a restart
 * it starts empty.
 */
export class DeliveryLog {
  private readonly byOrder = new Map<string, DeliveryLogEntry[]>();

  constructor(
    private readonly maxOrders = DELIVERY_LOG_ORDERS,
    private readonly maxEntries = DELIVERY_LOG_ENTRIES_PER_ORDER,
  ) {}

  record(sessionId: string, orderId: string, entry: DeliveryLogEntry): void {
    const key = orderKey(sessionId, orderId);
    const entries = this.byOrder.get(key) ?? [];
    // Re-inserted: the Map's order is then least recently delivered to first.
    this.byOrder.delete(key);
    entries.push(entry);
    if (entries.length > this.maxEntries) entries.shift();
    this.byOrder.set(key, entries);
    if (this.byOrder.size > this.maxOrders) this.byOrder.delete(this.byOrder.keys().next().value as string);
  }

  /** Drops every order's log of the session (`DELETE /session`). */
  forgetSession(sessionId: string): void {
    const prefix = orderKey(sessionId, "");
    for (const key of [...this.byOrder.keys()]) if (key.startsWith(prefix)) this.byOrder.delete(key);
  }

  forOrder(sessionId: string, orderId: string): readonly DeliveryLogEntry[] {
    return this.byOrder.get(orderKey(sessionId, orderId)) ?? [];
  }
}

const orderKey = (sessionId: string, orderId: string) => `${sessionId}\n${orderId}`;
