import type { SessionChange } from "../modules/module-deps";

/**
 * One item a stream owes its client, in the order it must arrive: events of the log up to a seq
 * (read from the log when their turn comes, never held here), or a change notice.
 */
export type Owed = { log: true; throughSeq: number; events: number } | { log: false; change: SessionChange };

/**
 * What one stream still owes its client, in order, counted in bytes. The events themselves stay
 * in the log: a run of events heard in a row is one mark ("up to seq N", however many and however
 * large they are), and a run of the same change notice is one notice, since each only tells the
 * client what to refresh. So what a slow reader costs in memory is these few marks and notices,
 * bounded by `bytes`, while how far behind the log it is counts in `events`.
 */
export class StreamBacklog {
  private readonly items: Owed[] = [];
  private queuedBytes = 0;
  private queuedEvents = 0;

  /** `count` events of the session were committed, the newest numbered `throughSeq`. */
  heardEvents(throughSeq: number, count: number): void {
    const last = this.items.at(-1);
    if (last?.log) {
      last.throughSeq = throughSeq;
      last.events += count;
    } else {
      this.items.push({ log: true, throughSeq, events: count });
      this.queuedBytes += MARK_BYTES;
    }
    this.queuedEvents += count;
  }

  heardChange(change: SessionChange): void {
    const last = this.items.at(-1);
    if (last && !last.log && last.change === change) return;
    this.items.push({ log: false, change });
    this.queuedBytes += MARK_BYTES + change.length;
  }

  /** The next item owed, taken off the backlog (it no longer counts), or undefined when nothing is. */
  take(): Owed | undefined {
    const item = this.items.shift();
    if (item) {
      this.queuedBytes -= item.log ? MARK_BYTES : MARK_BYTES + item.change.length;
      if (item.log) this.queuedEvents -= item.events;
    }
    return item;
  }

  /** Drops everything owed (the stream is cut off). */
  clear(): void {
    this.items.length = 0;
    this.queuedBytes = 0;
    this.queuedEvents = 0;
  }

  get size(): number {
    return this.items.length;
  }

  /** Memory the backlog holds, estimated: an object and its slot per item, plus a notice's name. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Committed events waiting for their turn (they are in the log, not here). */
  get events(): number {
    return this.queuedEvents;
  }
}

/** An item's object, its array slot and its fields, rounded up (JavaScriptCore's small objects take 32–64 bytes). */
const MARK_BYTES = 64;
