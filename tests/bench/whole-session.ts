/**
 * How long whole-session work holds the event loop: `bun tests/bench/whole-session.ts [orders]`.
 * Fills one session to its quota (default 5,000 orders of 4 lines = 20,000 lines; a mix of
 * completed, cancelled and in-flight sagas) on a file database, then times the requests that
 * touch every row of a session: `GET /consistency`, `GET /sagas`, `POST /inventory/reset`,
 * `POST /orders/reset`, `DELETE /session`. For each it prints the request's total time and the
 * longest single stretch it held the event loop (no other request could run meanwhile).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer } from "../../src/compose";
import { ManualClock } from "../../src/platform/clock";

const ORDERS = Number(process.argv[2] ?? 5_000);
const LINES = 4;
const dir = mkdtempSync(join(tmpdir(), "whole-session-"));
const clock = new ManualClock();
const server = createSagaServer({
  databasePath: join(dir, "bench.db"),
  clock,
  config: { maxOrdersPerSession: ORDERS, maxOrderLinesPerSession: ORDERS * LINES, inventoryDelayMs: 0, paymentDelayMs: 0 },
});
const session = "whole-session";
const headers = { "x-session-id": session, "content-type": "application/json" };
const call = (method: string, path: string, body?: unknown) =>
  server.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

function drain(): void {
  for (;;) {
    server.relay.runDue();
    const next = server.relay.nextDueAt();
    if (next === null || next > clock.now() + 1_000) return;
    clock.set(Math.max(clock.now(), next));
  }
}

async function fill(): Promise<void> {
  const products = Array.from({ length: 20 }, (_, i) => ({
    id: `p${i}`,
    name: `Product ${i}`,
    stock_level: 1_000_000_000,
    price_cents: 100 + i,
  }));
  await call("POST", "/inventory/seed", { products });
  for (let i = 0; i < ORDERS; i += 1) {
    const items = Array.from({ length: LINES }, (_, line) => ({ product: `p${(i + line) % 20}`, quantity: 1 + (i % 3) }));
    // One in five is declined (cancelled, refunded path); the last 500 stay in flight.
    const paymentBehaviour = i % 5 === 0 ? "failure" : "success";
    const response = await call("POST", "/orders", { items, paymentBehaviour });
    if (response.status !== 200) throw new Error(`order ${i}: ${response.status} ${await response.text()}`);
    if (i < ORDERS - 500 && i % 100 === 99) drain();
  }
}

/** Runs the request while a timer samples the event loop every millisecond; the biggest gap is the longest block. */
async function timed(label: string, run: () => Response | Promise<Response>): Promise<void> {
  let last = performance.now();
  const gaps: number[] = [];
  const sampler = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  await Bun.sleep(5);
  last = performance.now();
  const started = performance.now();
  const response = await run();
  await response.arrayBuffer();
  const total = performance.now() - started;
  await Bun.sleep(5);
  clearInterval(sampler);
  const longest = Math.max(...gaps);
  console.log(
    `${label.padEnd(26)} ${String(response.status).padEnd(4)} total ${total.toFixed(0).padStart(5)} ms, longest block ${longest.toFixed(0).padStart(5)} ms`,
  );
}

const t0 = performance.now();
await fill();
console.log(`Filled one session: ${ORDERS} orders × ${LINES} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await timed("GET /consistency", () => call("GET", "/consistency"));
await timed("GET /sagas?limit=1000", () => call("GET", "/sagas?limit=1000"));
await timed("GET /orders?limit=1000", () => call("GET", "/orders?limit=1000"));
await timed("POST /inventory/reset", () => call("POST", "/inventory/reset"));
await timed("POST /orders/reset", () => call("POST", "/orders/reset"));
await fill();
await timed("DELETE /session", () => call("DELETE", "/session"));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
