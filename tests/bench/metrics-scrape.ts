/**
 * What `GET /metrics` costs on a server holding many sessions:
 * `bun tests/bench/metrics-scrape.ts [--sessions 20000] [--root DIR]`.
 * Builds (once, cached in the temp folder) a database of N sessions, each with the default
 * catalog and one finished order, then serves a copy of it with `bun DIR/src/main.ts` (DIR: this
 * checkout by default; pass another checkout to measure it on the same database) and prints:
 * what the session census's one scan at start-up costs; start-up time; one scrape's latency (median, p95 of 40 in a row); `/health` p50/p99 alone; and
 * `/health` p50/p99 while 8 connections scrape back to back for 10 s.
 */
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer } from "../../src/compose";
import { ManualClock } from "../../src/platform/clock";
import { startServer } from "./processes";
import { percentile } from "./stats";

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const SESSIONS = Number(arg("sessions", "20000"));
const ROOT = arg("root", join(import.meta.dir, "../.."));
const SCRAPERS = 8;
const LOAD_MS = 10_000;

async function buildDatabase(path: string): Promise<void> {
  const clock = new ManualClock(Date.now());
  const server = createSagaServer({ databasePath: path, clock, config: { inventoryDelayMs: 0, paymentDelayMs: 0 } });
  const call = (session: string, method: string, url: string, body?: unknown) =>
    server.app.request(url, {
      method,
      headers: { "x-session-id": session, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  for (let i = 0; i < SESSIONS; i += 1) {
    const session = `attendee-${i}`;
    await call(session, "POST", "/inventory/seed");
    await call(session, "POST", "/orders", { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true });
    if (i % 200 === 199) server.relay.runDue();
  }
  server.relay.runDue();
  server.deps.db.$client.close();
}

async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return performance.now() - started;
}

async function healthWhile(base: string, ms: number, during: () => Promise<unknown>[] = () => []) {
  const load = during();
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) samples.push(await timedGet(`${base}/health`));
  await Promise.all(load);
  return samples.sort((a, b) => a - b);
}

const cached = join(tmpdir(), `metrics-scrape-${SESSIONS}.sqlite`);
if (!existsSync(cached)) {
  const building = performance.now();
  await buildDatabase(cached);
  console.log(`built ${SESSIONS} sessions in ${Math.round(performance.now() - building)} ms (${cached})`);
}
/** The census's start-up scan (every table with a session_id, as the composition root lists them), timed on the cached file. */
function censusScanMs(path: string): { ms: number; sessions: number } {
  const db = new Database(path, { readonly: true });
  const tables = db
    .query<{ name: string }, []>(
      "SELECT DISTINCT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'session_id'",
    )
    .all();
  const started = performance.now();
  const sessions = db.query(tables.map(({ name }) => `SELECT session_id FROM ${name}`).join(" UNION ")).all().length;
  const ms = performance.now() - started;
  db.close();
  return { ms, sessions };
}
const scan = censusScanMs(cached);
console.log(`census scan at start-up: ${scan.ms.toFixed(0)} ms for ${scan.sessions} sessions`);
const server = await startServer("src/main.ts", { SESSION_IDLE_TTL: "3650d" }, { copyOf: cached, root: ROOT });
try {
  const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const sessions = metrics.match(/^sessions (\d+)/m)?.[1];
  const scrapes: number[] = [];
  for (let i = 0; i < 40; i += 1) scrapes.push(await timedGet(`${server.baseUrl}/metrics`));
  scrapes.sort((a, b) => a - b);
  const quiet = await healthWhile(server.baseUrl, 3_000);
  let scraped = 0;
  let scraping = true;
  const scrapers = () =>
    Array.from({ length: SCRAPERS }, async () => {
      while (scraping) {
        await timedGet(`${server.baseUrl}/metrics`);
        scraped += 1;
      }
    });
  setTimeout(() => {
    scraping = false;
  }, LOAD_MS);
  const loaded = await healthWhile(server.baseUrl, LOAD_MS, scrapers);
  const f = (ms: number) => ms.toFixed(1);
  console.log(`root ${ROOT}`);
  console.log(`sessions gauge ${sessions}; start-up to first /health ${Math.round(server.coldStartMs)} ms`);
  console.log(`one scrape: median ${f(percentile(scrapes, 50))} ms, p95 ${f(percentile(scrapes, 95))} ms`);
  console.log(`/health alone: p50 ${f(percentile(quiet, 50))} ms, p99 ${f(percentile(quiet, 99))} ms (${quiet.length} requests)`);
  console.log(
    `/health with ${SCRAPERS} connections scraping for ${LOAD_MS / 1000} s: p50 ${f(percentile(loaded, 50))} ms, p99 ${f(percentile(loaded, 99))} ms (${loaded.length} requests; ${scraped} scrapes, ${Math.round(scraped / (LOAD_MS / 1000))}/s)`,
  );
} finally {
  await server.stop();
}
