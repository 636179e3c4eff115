import type { ManualClock } from "./clock";

/**
 * Waiting is a dependency, like time: the relay asks a Timer to call it back (at once, or
 * after a delay) instead of calling `setTimeout` itself, so tests fire its rounds by hand.
 */
export interface Timer {
  /** Calls `fn` as soon as the event loop allows, after pending I/O; answers how to cancel it. */
  soon(fn: () => void): () => void;
  /** Calls `fn` after `ms` milliseconds; answers how to cancel it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemTimer: Timer = {
  soon(fn) {
    // setImmediate runs after pending I/O (requests already received are read first), and has
    // no timer's minimum delay.
    const immediate = setImmediate(fn);
    return () => clearImmediate(immediate);
  },
  after(ms, fn) {
    const timeout = setTimeout(fn, ms);
    return () => clearTimeout(timeout);
  },
};

/** A timer whose callbacks fire only when a test says so, at the times of a manual clock. */
export class ManualTimer implements Timer {
  private pending: { at: number; order: number; fn: () => void }[] = [];
  private made = 0;
  /** How many callbacks have fired. */
  fired = 0;

  constructor(private readonly clock: ManualClock) {}

  soon(fn: () => void): () => void {
    return this.add(this.clock.now(), fn);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(this.clock.now() + Math.max(0, ms), fn);
  }

  /** When the next callback is due, or null when none waits. */
  nextAt(): number | null {
    return this.pending[0]?.at ?? null;
  }

  /** Moves the clock to the next callback's time (never back) and fires it; false when none waits. */
  fireNext(): boolean {
    const next = this.pending.shift();
    if (!next) return false;
    if (next.at > this.clock.now()) this.clock.set(next.at);
    this.fired += 1;
    next.fn();
    return true;
  }

  /** Fires callbacks in time order while the next is due by `until`; answers how many fired. */
  fireUntil(until: number): number {
    let count = 0;
    for (let at = this.nextAt(); at !== null && at <= until; at = this.nextAt()) {
      this.fireNext();
      count += 1;
    }
    return count;
  }

  private add(at: number, fn: () => void): () => void {
    const entry = { at, order: this.made++, fn };
    this.pending.push(entry);
    this.pending.sort((a, b) => a.at - b.at || a.order - b.order);
    return () => {
      this.pending = this.pending.filter((other) => other !== entry);
    };
  }
}
