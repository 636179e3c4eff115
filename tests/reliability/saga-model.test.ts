import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CrashableApp } from "./support/crashable-app";
import {
  checkAcceptedCancels,
  checkNow,
  emptyModel,
  InvariantBroken,
  modelSessions,
  type SagaModel,
  sagaCommands,
} from "./support/saga-model";

/**
 * Random sequences of orders, seeds, cancels, resets (racing the cancels), deliveries (in
 * order, out of order, twice) and crashes across three sessions; after each command and after
 * draining the bus, every invariant of src/consistency holds, every accepted cancel has
 * kept no money, and the order rows rebuilt from the orders' streams equal the rows. `bun run fuzz` runs many more (FUZZ_RUNS, FUZZ_SEED).
 */
const fuzzing = process.env.FUZZ === "1";
const numRuns = Number(process.env.FUZZ_RUNS ?? (fuzzing ? 6_000 : 300));
// CI replays the same runs every time; `bun run fuzz` explores new seeds unless told one.
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : fuzzing ? undefined : 20_261_122;

export const modelRunStats = {
  runs: 0,
  commands: 0,
  orders: 0,
  /** Orders folded again from their streams by the rebuild after each run (every one identical). */
  rebuilt: 0,
  crashes: 0,
  cancelledBy: {} as Record<string, number>,
  restocked: 0,
  expired: 0,
  shipments: {} as Record<string, number>,
  /** Runs where some session had a switch on, and how many violations those sessions showed (the others showed none). */
  brokenRuns: 0,
  brokenViolations: 0,
};

describe("the saga under random commands, duplicates, reordering and crashes", () => {
  test(
    `keeps every invariant over ${numRuns} random runs`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.commands(sagaCommands, { maxCommands: 60, size: "max" }),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          async (commands, randomSeed) => {
            const real = new CrashableApp(randomSeed);
            try {
              const model: SagaModel = emptyModel();
              await fc.asyncModelRun(() => ({ model, real }), commands);
              // asyncModelRun only checks what each command asserts; now the whole state, mid-flight and drained.
              checkNow(model, real, "before draining");
              if (!real.drain()) throw new InvariantBroken("drain", ["the bus did not go quiet"]);
              checkNow(model, real, "after draining", true);
              checkAcceptedCancels(model, real);
              for (const session of modelSessions) {
                for (const id of model.get(session)!.liveOrders) {
                  const answer = await real.request("GET", `/orders/${id}`, session);
                  if (answer.status !== 200)
                    throw new InvariantBroken("orders", [`acknowledged order ${session}/${id} answers ${answer.status}`]);
                }
                // The route cannot know which pairings a single-module reset broke on purpose; where none did, it must agree.
                const route = await real.request("GET", "/consistency", session);
                if (route.status !== 200) throw new InvariantBroken("GET /consistency", [route.text]);
                // A session with a switch on may break its own promises (issue "Break it"); the others must not.
                if (model.get(session)!.historyCut.size === 0 && !model.get(session)!.bugsOn && route.body.consistent !== true)
                  throw new InvariantBroken("GET /consistency", [route.text]);
                modelRunStats.orders += model.get(session)!.liveOrders.size;
                // The rows are a projection of the orders' streams: folded again, they come out the same.
                const rebuild = await real.request("POST", "/orders/projection/rebuild", session);
                if (rebuild.status !== 200 || rebuild.body.identical !== true)
                  throw new InvariantBroken("POST /orders/projection/rebuild", [rebuild.text]);
                modelRunStats.rebuilt += rebuild.body.rebuilt;
              }
              // What the lifecycle commands came to: who cancelled, how many completed orders were undone, how many reservations expired.
              const sources = real.sqlite
                .query("SELECT cancellation_source AS source, count(*) AS n FROM orders WHERE cancellation_source IS NOT NULL GROUP BY 1")
                .all() as { source: string; n: number }[];
              for (const { source, n } of sources) modelRunStats.cancelledBy[source] = (modelRunStats.cancelledBy[source] ?? 0) + n;
              modelRunStats.restocked += (
                real.sqlite.query("SELECT count(*) AS n FROM reservations WHERE restocked_at IS NOT NULL").get() as { n: number }
              ).n;
              modelRunStats.expired += (
                real.sqlite.query("SELECT count(*) AS n FROM reservations WHERE release_reason = 'expired'").get() as { n: number }
              ).n;
              const shipped = real.sqlite.query("SELECT status, count(*) AS n FROM shipments GROUP BY 1").all() as {
                status: string;
                n: number;
              }[];
              for (const { status, n } of shipped) modelRunStats.shipments[status] = (modelRunStats.shipments[status] ?? 0) + n;
              const broken = modelSessions.filter((s) => model.get(s)!.bugsOn);
              if (broken.length > 0) modelRunStats.brokenRuns += 1;
              modelRunStats.brokenViolations += real.server
                .checkConsistency({ settled: true })
                .violations.filter((v) => (broken as string[]).includes(v.sessionId)).length;
              modelRunStats.runs += 1;
              modelRunStats.commands += [...commands].length;
              modelRunStats.crashes += real.crashes;
            } finally {
              real.close();
            }
          },
        ),
        { numRuns, seed, path: process.env.FUZZ_PATH, verbose: 0 },
      );
      console.log(`saga model: ${JSON.stringify(modelRunStats)}`);
      // Replaying one path (FUZZ_PATH) runs one case, not numRuns.
      expect(modelRunStats.runs).toBeGreaterThanOrEqual(process.env.FUZZ_PATH ? 1 : numRuns);
    },
    fuzzing ? 24 * 3_600_000 : 600_000,
  );
});
