import type { Bus } from "./bus";
import type { BusEvent, EventPayloadBase } from "./event";

/** Upper bound on concurrent long polls per process; past it a wait ends at once. */
export const MAX_WAITING_REQUESTS = 10_000;

/**
 * Long polls: a request waits until the bus announces a committed event it is waiting for,
 * a timeout passes, or the client goes away. One instance per bus, so its count of waiters
 * belongs to one app, never to the module.
 */
export class EventWaiters<P extends EventPayloadBase> {
  private waiting = 0;

  constructor(
    private readonly bus: Bus<P>,
    private readonly maxWaiting = MAX_WAITING_REQUESTS,
  ) {}

  /** Resolves when `matches` accepts an announced event, after `timeoutMs`, or on `signal`; at once when full. */
  async waitFor(matches: (event: BusEvent<P>) => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.waiting >= this.maxWaiting || signal.aborted) return;
    this.waiting += 1;
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stopListening();
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        const stopListening = this.bus.listen((events) => {
          if (events.some(matches)) done();
        });
        signal.addEventListener("abort", done);
      });
    } finally {
      this.waiting -= 1;
    }
  }
}
