/**
 * The teacher's overview while the class is busy:
 * `bun tests/bench/teacher-overview.ts [--viewers 3] [--orders 200] [--seconds 20] [--root DIR]`.
 * Builds (once, cached in the temp folder) 100 sessions with `--orders` finished orders each,
 * serves a copy with `bun DIR/src/main.ts` (DIR: this checkout by default; pass another checkout
 * to measure it on the same database) and keeps the class busy: an order a second in each of
 * the 100 sessions. Another attendee places one saga after another throughout. Then, for
 * `--seconds`, `--viewers` overview pages each refresh `/teacher/sessions` once a second,
 * dropping the refresh still in flight as the page does (htmx `hx-sync="this:replace"`).
 * Prints the other attendee's saga p50/p99 without and with the viewers, the refreshes asked,
 * finished and dropped, and (where the server reports them) what the computations cost.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer } from "../../src/compose";
import { ManualClock } from "../../src/platform/clock";
import { parsePrometheus, sampleValue } from "../support/prometheus";
import { startServer } from "./processes";
import { percentile } from "./stats";

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const SESSIONS = 100;
const ORDERS = Number(arg("orders", "200"));
const VIEWERS = Number(arg("viewers", "3"));
const SECONDS = Number(arg("seconds", "20"));
const ROOT = arg("root", join(import.meta.dir, "../.."));
const TOKEN = "bench-teacher-token";
const order = { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true };

async function buildDatabase(path: string): Promise<void> {
  const clock = new ManualClock(Date.now());
  const server = createSagaServer({ databasePath: path, clock, config: { inventoryDelayMs: 0, paymentDelayMs: 0 } });
  const call = (session: string, url: string, body?: unknown) =>
    server.app.request(url, {
      method: "POST",
      headers: { "x-session-id": session, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  for (let s = 0; s < SESSIONS; s += 1) {
    const session = `attendee-${s}`;
    // Enough stock for the orders built here and for the bench's own.
    await call(session, "/inventory/seed", {
      products: [{ id: "mouse-pad", name: "Mouse pad", stock_level: 1_000_000, price_cents: 2_499 }],
    });
    for (let i = 0; i < ORDERS; i += 1) {
      await call(session, "/orders", order);
      if (i % 100 === 99) server.relay.runDue();
    }
    server.relay.runDue();
  }
  server.deps.db.$client.close();
}

/** One saga from POST to a final status, long-polling; answers its duration in ms. */
async function saga(base: string, session: string): Promise<number> {
  const headers = { "x-session-id": session, "content-type": "application/json" };
  const started = performance.now();
  const response = await fetch(`${base}/orders`, { method: "POST", headers, body: JSON.stringify(order) });
  if (!response.ok) throw new Error(`POST /orders for ${session} answered ${response.status}: ${await response.text()}`);
  let placed = await response.json();
  while (placed.status !== "COMPLETED" && placed.status !== "CANCELLED") {
    placed = await (await fetch(`${base}/orders/${placed.id}?wait=5000`, { headers })).json();
  }
  return performance.now() - started;
}

/** The other attendee: one saga after another until `stop()`; answers their durations, sorted. */
function probe(base: string, name: string) {
  const durations: number[] = [];
  let running = true;
  const done = (async () => {
    // A new session every 4,000 sagas: a session keeps at most 5,000 orders (MAX_ORDERS_PER_SESSION).
    while (running) durations.push(await saga(base, `${name}-${Math.floor(durations.length / 4_000)}`));
  })();
  return {
    async stop() {
      running = false;
      await done;
      return durations.sort((a, b) => a - b);
    },
  };
}

/** The busy class: an order a second in each session, placed every 10 ms round-robin, each followed to its end. */
function busyClass(base: string) {
  let running = true;
  const inFlight = new Set<Promise<unknown>>();
  const done = (async () => {
    for (let i = 0; running; i += 1) {
      const one = saga(base, `attendee-${i % SESSIONS}`).finally(() => inFlight.delete(one));
      inFlight.add(one);
      await Bun.sleep(10);
    }
    await Promise.all(inFlight);
  })();
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}

/** An overview page: a refresh a second, the one still in flight dropped. */
function viewer(base: string, offsetMs: number) {
  const figures = { asked: 0, finished: 0, dropped: 0, ms: [] as number[] };
  let current: AbortController | null = null;
  let running = true;
  const done = (async () => {
    await Bun.sleep(offsetMs);
    while (running) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      figures.asked += 1;
      const started = performance.now();
      fetch(`${base}/teacher/sessions?token=${TOKEN}`, { signal: controller.signal })
        .then(async (response) => {
          await response.text();
          figures.finished += 1;
          figures.ms.push(performance.now() - started);
        })
        .catch(() => {
          figures.dropped += 1;
        })
        .finally(() => {
          if (current === controller) current = null;
        });
      await Bun.sleep(1_000);
    }
    current?.abort();
  })();
  return {
    async stop() {
      running = false;
      await done;
      return figures;
    },
  };
}

const scrape = async (base: string) => parsePrometheus(await (await fetch(`${base}/metrics`)).text());

const cached = join(tmpdir(), `teacher-overview-${SESSIONS}x${ORDERS}.sqlite`);
if (!existsSync(cached)) {
  const building = performance.now();
  await buildDatabase(cached);
  console.log(`built ${SESSIONS} sessions × ${ORDERS} orders in ${Math.round(performance.now() - building)} ms (${cached})`);
}
const server = await startServer("src/main.ts", { TEACHER_TOKEN: TOKEN, SESSION_IDLE_TTL: "3650d" }, { copyOf: cached, root: ROOT });
try {
  const f = (ms: number) => ms.toFixed(1);
  const busy = busyClass(server.baseUrl);
  await Bun.sleep(2_000);
  const quiet = probe(server.baseUrl, "another-attendee-alone");
  await Bun.sleep(SECONDS * 500);
  const alone = await quiet.stop();

  const before = await scrape(server.baseUrl);
  const watched = probe(server.baseUrl, "another-attendee-watched");
  const viewers = Array.from({ length: VIEWERS }, (_, i) => viewer(server.baseUrl, (i * 1_000) / VIEWERS));
  await Bun.sleep(SECONDS * 1_000);
  const refreshes = await Promise.all(viewers.map((v) => v.stop()));
  const withViewers = await watched.stop();
  const after = await scrape(server.baseUrl);
  await busy.stop();

  const asked = refreshes.reduce((n, r) => n + r.asked, 0);
  const finished = refreshes.reduce((n, r) => n + r.finished, 0);
  const dropped = refreshes.reduce((n, r) => n + r.dropped, 0);
  const finishedMs = refreshes.flatMap((r) => r.ms).sort((a, b) => a - b);
  const moved = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
  console.log(`root ${ROOT}; ${SESSIONS} busy sessions of ${ORDERS}+ orders, ${VIEWERS} viewers for ${SECONDS} s`);
  console.log(
    `another attendee's saga without viewers: p50 ${f(percentile(alone, 50))} ms, p99 ${f(percentile(alone, 99))} ms (${alone.length} sagas)`,
  );
  console.log(
    `another attendee's saga with viewers:    p50 ${f(percentile(withViewers, 50))} ms, p99 ${f(percentile(withViewers, 99))} ms (${withViewers.length} sagas)`,
  );
  console.log(
    `refreshes: ${asked} asked, ${finished} finished (p50 ${f(percentile(finishedMs, 50))} ms, p99 ${f(percentile(finishedMs, 99))} ms), ${dropped} dropped`,
  );
  const computations = moved("teacher_overview_computation_seconds_count");
  if (!after.some((sample) => sample.name === "teacher_overview_computation_seconds_count")) {
    console.log("computations: not reported by this server");
  } else if (computations === 0) console.log("computations: none");
  else {
    console.log(
      `computations: ${computations}, ${f((moved("teacher_overview_computation_seconds_sum") * 1000) / computations)} ms each on average; per computation ${(moved("teacher_overview_checked_total", { unit: "sessions" }) / computations).toFixed(1)} sessions and ${(moved("teacher_overview_checked_total", { unit: "orders" }) / computations).toFixed(0)} orders checked again`,
    );
  }
} finally {
  await server.stop();
}
