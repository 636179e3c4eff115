/**
 * A session's disk across `POST /orders/reset`: CYCLES times, 200 orders of 100 lines (64-character
 * product ids, the catalog's longest) are placed and settled, then the orders are reset; after
 * each cycle the database file's size (main file + WAL) is printed. In-process, on a file, with a
 * manual clock. `bun tests/bench/reset-cycles.ts [cycles]` (issue 18, item 10).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer } from "../../src/compose";
import { ManualClock } from "../../src/platform/clock";

const cycles = Number(process.argv[2] ?? 10);
const dir = mkdtempSync(join(tmpdir(), "saga-reset-cycles-"));
const databasePath = join(dir, "saga.sqlite");
const clock = new ManualClock();
const server = createSagaServer({ databasePath, clock, config: { inventoryDelayMs: 0, paymentDelayMs: 0 } });
const session = "cycles";
const headers = { "x-session-id": session, "content-type": "application/json" };
const ids = Array.from({ length: 100 }, (_, n) => `product-${String(n).padStart(3, "0")}-`.padEnd(64, "x"));
const call = (method: string, path: string, body?: unknown) =>
  server.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const settle = () => {
  // Up to the orders' 5-minute deadlines, which find them final.
  for (let round = 0; round < 10_000; round += 1) {
    server.relay.runDue();
    const next = server.relay.nextDueAt();
    if (next === null || next > clock.now() + 60_000) return;
    clock.set(Math.max(clock.now(), next));
  }
};
const megabytes = () => {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return ((size(databasePath) + size(`${databasePath}-wal`)) / 1e6).toFixed(1);
};

await call("POST", "/inventory/seed", { products: ids.map((id) => ({ id, name: id, stock_level: 1_000_000_000, price_cents: 1 })) });
console.log(`cycle 0: ${megabytes()} MB`);
for (let cycle = 1; cycle <= cycles; cycle += 1) {
  const order = { items: ids.map((product) => ({ product, quantity: 1 })), skipDemoDelays: true };
  await Promise.all(Array.from({ length: 200 }, () => call("POST", "/orders", order)));
  settle();
  await call("POST", "/orders/reset");
  settle();
  server.deps.db.$client.run("PRAGMA wal_checkpoint(TRUNCATE)");
  const kept = server.deps.db.$client
    .query(
      `SELECT (SELECT count(*) FROM reservations WHERE session_id = ?1) AS reservations,
        (SELECT count(*) FROM reservation_lines WHERE session_id = ?1) AS lines,
        (SELECT count(*) FROM notifications WHERE session_id = ?1) AS notifications,
        (SELECT count(*) FROM payments WHERE session_id = ?1) AS payments`,
    )
    .get(session);
  console.log(`cycle ${cycle}: ${megabytes()} MB, kept after the reset ${JSON.stringify(kept)}`);
}
server.deps.db.$client.close();
rmSync(dir, { recursive: true, force: true });
