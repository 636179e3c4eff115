import { orderKey } from "../platform/session";
import type { Bus } from "./bus";
import type { BusEvent, EventPayloadBase } from "./event";

/** Upper bound on concurrent long polls per process; past it a wait ends at once. */
export const MAX_WAITING_REQUESTS = 10_000;
/** Upper bound per session, so one tenant's waits never use up everyone's. */
export const MAX_WAITING_REQUESTS_PER_SESSION = 500;

interface Waiter {
  types: ReadonlySet<string>;
  done: () => void;
}

/**
 * Long polls: a request waits until the bus announces a committed event of one order, of one
 * of the types it waits for, or a timeout passes, or the client goes away. One listener on the
 * bus serves every waiter: each announced event is looked up by its order, so an announcement
 * costs the same with ten thousand waiters as with one. One instance per bus, so its count of
 * waiters belongs to one app, never to the module.
 */
export class EventWaiters<P extends EventPayloadBase> {
  private readonly byOrder = new Map<string, Set<Waiter>>();
  private readonly bySession = new Map<string, number>();
  private waiting = 0;

  constructor(
    bus: Bus<P>,
    private readonly maxWaiting = MAX_WAITING_REQUESTS,
    private readonly maxWaitingPerSession = MAX_WAITING_REQUESTS_PER_SESSION,
  ) {
    bus.listen((events) => this.wakeFor(events));
  }

  /** Resolves when an event of `types` is announced for the order, after `timeoutMs`, or on `signal`; at once when full. */
  async waitForOrder(
    sessionId: string,
    orderId: string,
    types: readonly P["type"][],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const sessionWaiting = this.bySession.get(sessionId) ?? 0;
    if (this.waiting >= this.maxWaiting || sessionWaiting >= this.maxWaitingPerSession || signal.aborted) return;
    const key = orderKey(sessionId, orderId);
    this.waiting += 1;
    this.bySession.set(sessionId, sessionWaiting + 1);
    try {
      await new Promise<void>((resolve) => {
        const waiter: Waiter = {
          types: new Set(types),
          done: () => {
            clearTimeout(timer);
            signal.removeEventListener("abort", waiter.done);
            const waiters = this.byOrder.get(key);
            waiters?.delete(waiter);
            if (waiters?.size === 0) this.byOrder.delete(key);
            resolve();
          },
        };
        const timer = setTimeout(waiter.done, timeoutMs);
        signal.addEventListener("abort", waiter.done);
        const waiters = this.byOrder.get(key) ?? new Set<Waiter>();
        waiters.add(waiter);
        this.byOrder.set(key, waiters);
      });
    } finally {
      this.waiting -= 1;
      const left = (this.bySession.get(sessionId) ?? 1) - 1;
      if (left === 0) this.bySession.delete(sessionId);
      else this.bySession.set(sessionId, left);
    }
  }

  /** Requests waiting now. */
  get count(): number {
    return this.waiting;
  }

  private wakeFor(events: readonly BusEvent<P>[]): void {
    if (this.byOrder.size === 0) return;
    for (const event of events) {
      const waiters = this.byOrder.get(orderKey(event.sessionId, event.orderId));
      if (!waiters) continue;
      for (const waiter of [...waiters]) if (waiter.types.has(event.type)) waiter.done();
    }
  }
}
