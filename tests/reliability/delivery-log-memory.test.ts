import { expect, test } from "bun:test";
import { join } from "node:path";

/**
 * Found by attacking the server: a redelivery flood (`POST /events/:seq/redeliver` in a loop over
 * many orders) filled the delivery log's 10,000 orders × 200 attempts, about 140 MB of heap (210 MB
 * of RSS). The log is now bounded by bytes: 32 MiB by its own estimate, which counts from above.
 * Measured in a process of its own, after a full collection, so nothing else's garbage counts.
 */
test("a flood of 2.4 million delivery attempts keeps the delivery log within its 32 MiB budget", async () => {
  const bench = Bun.spawn([process.execPath, join(import.meta.dir, "../bench/delivery-log-memory.ts")], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(bench.stdout).text();
  expect(await bench.exited).toBe(0);
  console.log(out.trim());
  const figures = JSON.parse(/delivery log flood: (\{.*\})/.exec(out)?.[1] ?? "{}") as { grewMb?: number };
  expect(figures.grewMb).toBeLessThan(32);
}, 60_000);
