import { createSagaServer, type SagaServerOptions } from "../../src/compose";
import { ManualClock } from "../../src/platform/clock";
import { sequentialIds } from "../../src/platform/ids";
import { seededRandom } from "../../src/platform/random";
import { type RequestOptions, requestApp } from "./http";

/**
 * An app on `:memory:` (or a given file) with a manual clock, sequential ids and seeded
 * randomness. Nothing runs on timers: tests deliver events with `relay.runDue()` or `settle()`.
 */
export function createTestApp(options: SagaServerOptions & { seed?: number } = {}) {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  /** What the relay reported as failed deliveries; most tests expect none. */
  const relayFailures: string[] = [];
  const server = createSagaServer({
    ids: sequentialIds(),
    random: seededRandom(options.seed ?? 1),
    relay: { log: (message) => relayFailures.push(message) },
    ...options,
    clock,
  });

  const request = (method: string, path: string, options: RequestOptions = {}) => requestApp(server.app, method, path, options);

  /**
   * Delivers everything, moving the clock to each next due time, until the bus is quiet, or
   * until the next delivery is due after `until` (ms since the epoch: say, before the orders'
   * 5-minute deadlines).
   */
  function settle(until = Number.POSITIVE_INFINITY, maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round += 1) {
      server.relay.runDue();
      const next = server.relay.nextDueAt();
      if (next === null || next > until) return;
      clock.set(Math.max(clock.now(), next));
    }
    throw new Error("The bus did not settle: a reaction keeps failing or scheduling");
  }

  return { ...server, clock, request, settle, relayFailures };
}
export type TestApp = ReturnType<typeof createTestApp>;

/** The seed document's success order: 5 Mouse Pads at 24.99. */
export const fiveMousePads = { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true };
