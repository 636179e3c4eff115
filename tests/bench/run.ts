/**
 * `bun run bench [--quick] [--clients 50] [--sessions 100] [--runs 3] [--seconds 5]`
 *
 * Starts the real server (src/main.ts: Bun.serve on a free loopback port, a file database in
 * a temp folder) and two ceiling servers as child processes, drives them over HTTP from this
 * process, and prints one markdown table. Throughput is reported next to the ceilings measured
 * in the same run, because the machine is shared and absolute figures drift from run to run.
 * Every figure is the median of `--runs` runs, each after a warm-up. `--quick` (what CI runs)
 * shortens everything to finish well under a minute; it asserts correctness only (the race
 * completes exactly as many orders as there are units, every saga ends as planned), never
 * speed. Exit code 1 when a correctness check fails.
 */

import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attribution, attributionTable, type Timings } from "./attribution";
import { getJson, measureRate, type OrderRunFigures, type PlannedOrder, postJson, runOrders } from "./load";
import { describeMachine } from "./machine";
import { type RunningServer, readCpuMs, readRssMb, startServer } from "./processes";
import { median, medianOfRuns } from "./stats";

interface BenchOptions {
  quick: boolean;
  clients: number;
  sessions: number;
  runs: number;
  runMs: number;
  warmupMs: number;
  memorySessions: number;
  memoryOrdersPerSession: number;
  raceOrders: number;
  raceUnits: number;
}

function readOptions(argv: string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const number = (name: string, fallback: number) => {
    const at = argv.indexOf(`--${name}`);
    if (at === -1) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
    return value;
  };
  const quick = flag("quick");
  return {
    quick,
    clients: number("clients", 50),
    sessions: number("sessions", 100),
    runs: number("runs", 3),
    runMs: number("seconds", quick ? 1 : 5) * 1000,
    warmupMs: quick ? 500 : 2_000,
    memorySessions: number("memory-sessions", quick ? 50 : 1_000),
    memoryOrdersPerSession: number("memory-orders", quick ? 20 : 100),
    raceOrders: 200,
    raceUnits: 10,
  };
}

const widget = { id: "widget", name: "Bench Widget", stock_level: 1_000_000_000, price_cents: 1999 };
const soldOut = { id: "sold-out", name: "Sold Out Gadget", stock_level: 0, price_cents: 999 };
const sessionName = (prefix: string, n: number) => `bench-${prefix}-${n}`;

function successOrder(session: string, sagaStyle?: "orchestration"): PlannedOrder {
  return {
    session,
    body: {
      items: [{ product: "widget", quantity: 1 }],
      paymentBehaviour: "success",
      skipDemoDelays: true,
      ...(sagaStyle ? { sagaStyle } : {}),
    },
    expect: { status: "COMPLETED" },
  };
}

/**
 * Mixed load, in blocks of 30 orders: 3 out of stock (1/10), 10 payment failures (1/3), 17
 * successes, spread through the block by a stride coprime with 30.
 */
function mixedOrder(session: string, n: number): PlannedOrder {
  const slot = (n * 7) % 30;
  if (slot < 3) {
    return {
      session,
      body: { items: [{ product: "sold-out", quantity: 1 }], skipDemoDelays: true },
      expect: { status: "CANCELLED", cancellationSource: "inventory_depleted" },
    };
  }
  if (slot < 13) {
    return {
      session,
      body: { items: [{ product: "widget", quantity: 1 }], paymentBehaviour: "failure", skipDemoDelays: true },
      expect: { status: "CANCELLED", cancellationSource: "payment_failed" },
    };
  }
  return successOrder(session);
}

async function seedSessions(server: RunningServer, path: string, prefix: string, count: number, clients: number): Promise<string[]> {
  const sessions = Array.from({ length: count }, (_, n) => sessionName(prefix, n));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (next < sessions.length) {
        const session = sessions[next++]!;
        await postJson(`${server.baseUrl}${path}`, { products: [widget, soldOut] }, { "x-session-id": session });
      }
    }),
  );
  return sessions;
}

async function repeat<T extends Record<string, number>>(runs: number, measure: () => Promise<T>): Promise<T> {
  const results: T[] = [];
  for (let run = 0; run < runs; run += 1) results.push(await measure());
  return medianOfRuns(results);
}

/**
 * SQLite checkpoints the WAL every 1,000 pages (4 MB) and then writes it from the start again,
 * so under continuous load it stays at a few MB plus the largest transaction (a relay round).
 */
const MAX_WAL_MB = 16;

const log = (message: string) => console.error(`[bench] ${message}`);

async function measureColdStart(runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const server = await startServer("src/main.ts");
    times.push(server.coldStartMs);
    await server.stop();
  }
  return median(times);
}

async function measureCeilingA(o: BenchOptions): Promise<number> {
  const server = await startServer("tests/bench/ceiling-hono.ts");
  try {
    const ping = async () => {
      const response = await fetch(`${server.baseUrl}/ping`);
      await response.arrayBuffer();
    };
    await measureRate(ping, o.clients, o.warmupMs);
    return (await repeat(o.runs, async () => ({ rate: await measureRate(ping, o.clients, o.runMs) }))).rate;
  } finally {
    await server.stop();
  }
}

/** Ceiling H: the saga's two requests, same middleware and zod, no database (tests/bench/ceiling-http.ts). */
async function measureCeilingH(o: BenchOptions): Promise<number> {
  const server = await startServer("tests/bench/ceiling-http.ts");
  try {
    const base = { baseUrl: server.baseUrl, clients: o.clients, maxOrders: Number.MAX_SAFE_INTEGER };
    const plan = (n: number) => successOrder(sessionName("http", n % o.sessions));
    await runOrders({ ...base, durationMs: o.warmupMs, plan });
    return (await repeat(o.runs, () => runOrders({ ...base, durationMs: o.runMs, plan }))).completedPerSec;
  } finally {
    await server.stop();
  }
}

/** What the server spent on the completed sagas of a measured stretch, per saga. */
interface PerSagaCost {
  cpuUs: number;
  /** The benchmark's own CPU (the client) per saga, on the same cores. */
  clientCpuUs: number;
  statements: number;
  rows: number;
  btreeEntries: number;
}

interface ServerCounters {
  cpuMs: number;
  statements: number;
  rows: number;
  btreeEntries: number;
  /** With BENCH_TIMINGS=1: per timer, calls and total ms (tests/bench/timings.ts). */
  timings?: Timings;
}

/** Asks the instrumented server (tests/bench/instrumented-main.ts) for its counters, and reads its CPU time. */
async function readCounters(server: RunningServer, statsFile: string): Promise<ServerCounters> {
  rmSync(statsFile, { force: true });
  process.kill(server.pid, "SIGUSR2");
  const deadline = Date.now() + 5_000;
  while (!existsSync(statsFile)) {
    if (Date.now() > deadline) throw new Error("the instrumented server did not write its counters");
    await Bun.sleep(5);
  }
  await Bun.sleep(5);
  const counters = JSON.parse(readFileSync(statsFile, "utf8")) as Omit<ServerCounters, "cpuMs">;
  return { ...counters, cpuMs: readCpuMs(server.pid) };
}

interface SagaFigures {
  saga: OrderRunFigures;
  perSaga: PerSagaCost;
  /** One client: the saga's own latency, with no queue in front of it. */
  single: OrderRunFigures;
  mixed: OrderRunFigures;
  /** The success order, orchestrated: its throughput and what each saga costs the database. */
  orchestrated: OrderRunFigures & { statements: number; rows: number };
  race: { orders: number; units: number; completed: number; cancelled: number; stockLeft: number; reservedLeft: number; ok: boolean };
}

async function measureSagas(o: BenchOptions): Promise<SagaFigures> {
  const statsFile = join(tmpdir(), `saga-bench-counters-${process.pid}.json`);
  const server = await startServer("tests/bench/instrumented-main.ts", { BENCH_STATS_FILE: statsFile });
  try {
    const sessions = await seedSessions(server, "/inventory/seed", "saga", o.sessions, o.clients);
    const base = { baseUrl: server.baseUrl, clients: o.clients, maxOrders: Number.MAX_SAFE_INTEGER };
    const success = (n: number) => successOrder(sessions[n % sessions.length]!);
    const mixed = (n: number) => mixedOrder(sessions[n % sessions.length]!, n);

    log("saga: warm-up");
    await runOrders({ ...base, durationMs: o.warmupMs, plan: success });
    log("saga: measuring");
    let completedSagas = 0;
    const before = await readCounters(server, statsFile);
    const clientBefore = process.cpuUsage();
    const saga = await repeat(o.runs, async () => {
      const run = await runOrders({ ...base, durationMs: o.runMs, plan: success });
      completedSagas += run.completed;
      return run;
    });
    const client = process.cpuUsage(clientBefore);
    const after = await readCounters(server, statsFile);
    const perSaga: PerSagaCost = {
      cpuUs: ((after.cpuMs - before.cpuMs) * 1000) / completedSagas,
      clientCpuUs: (client.user + client.system) / completedSagas,
      statements: (after.statements - before.statements) / completedSagas,
      rows: (after.rows - before.rows) / completedSagas,
      btreeEntries: (after.btreeEntries - before.btreeEntries) / completedSagas,
    };
    log("saga with one client: measuring");
    const single = await repeat(o.runs, () => runOrders({ ...base, clients: 1, durationMs: o.runMs, plan: success }));
    log("mixed: measuring");
    const mixedFigures = await repeat(o.runs, () => runOrders({ ...base, durationMs: o.runMs, plan: mixed }));
    log("orchestration: measuring");
    const orchestratedSuccess = (n: number) => successOrder(sessions[n % sessions.length]!, "orchestration");
    await runOrders({ ...base, durationMs: o.warmupMs, plan: orchestratedSuccess });
    let orchestratedSagas = 0;
    const orchestratedBefore = await readCounters(server, statsFile);
    const orchestratedRun = await repeat(o.runs, async () => {
      const run = await runOrders({ ...base, durationMs: o.runMs, plan: orchestratedSuccess });
      orchestratedSagas += run.completed;
      return run;
    });
    const orchestratedAfter = await readCounters(server, statsFile);
    const orchestrated = {
      ...orchestratedRun,
      statements: (orchestratedAfter.statements - orchestratedBefore.statements) / orchestratedSagas,
      rows: (orchestratedAfter.rows - orchestratedBefore.rows) / orchestratedSagas,
    };

    log("race");
    const raceSession = "bench-race";
    await postJson(
      `${server.baseUrl}/inventory/seed`,
      { products: [{ id: "scarce", name: "Scarce Item", stock_level: o.raceUnits, price_cents: 4999 }] },
      { "x-session-id": raceSession },
    );
    const raceRun = await runOrders({
      ...base,
      durationMs: 60_000,
      maxOrders: o.raceOrders,
      plan: () => ({
        session: raceSession,
        body: { items: [{ product: "scarce", quantity: 1 }], skipDemoDelays: true },
        // Which orders win is the race's business; how many win is checked below.
        expect: undefined,
      }),
    });
    const [scarce] = await getJson<{ stock_level: number; reserved: number }[]>(`${server.baseUrl}/inventory`, {
      "x-session-id": raceSession,
    });
    if (!scarce) throw new Error("the race's session has no product");
    const race = {
      orders: raceRun.orders,
      units: o.raceUnits,
      completed: raceRun.completed,
      cancelled: raceRun.cancelled,
      stockLeft: scarce.stock_level,
      reservedLeft: scarce.reserved,
      ok:
        raceRun.completed === o.raceUnits &&
        raceRun.cancelled === o.raceOrders - o.raceUnits &&
        scarce.stock_level === 0 &&
        scarce.reserved === 0,
    };
    return { saga, perSaga, single, mixed: mixedFigures, orchestrated, race };
  } finally {
    await server.stop();
    rmSync(statsFile, { force: true });
  }
}

/**
 * A run of its own with the timers on (they add a few µs per saga, so the figures above are
 * measured without them): where each saga's server CPU goes, item by item.
 */
async function measureAttribution(o: BenchOptions): Promise<string[]> {
  const statsFile = join(tmpdir(), `saga-bench-timings-${process.pid}.json`);
  const server = await startServer("tests/bench/instrumented-main.ts", { BENCH_STATS_FILE: statsFile, BENCH_TIMINGS: "1" });
  try {
    const sessions = await seedSessions(server, "/inventory/seed", "timed", o.sessions, o.clients);
    const base = { baseUrl: server.baseUrl, clients: o.clients, maxOrders: Number.MAX_SAFE_INTEGER };
    const plan = (n: number) => successOrder(sessions[n % sessions.length]!);
    await runOrders({ ...base, durationMs: o.warmupMs, plan });
    const before = await readCounters(server, statsFile);
    const run = await runOrders({ ...base, durationMs: o.runMs * o.runs, plan });
    const after = await readCounters(server, statsFile);
    const cpuUs = ((after.cpuMs - before.cpuMs) * 1000) / run.completed;
    const rows = attribution(before.timings ?? {}, after.timings ?? {}, run.completed, cpuUs);
    return attributionTable(rows, cpuUs, run.completedPerSec);
  } finally {
    await server.stop();
    rmSync(statsFile, { force: true });
  }
}

async function measureMemory(o: BenchOptions) {
  const server = await startServer("src/main.ts");
  try {
    await Bun.sleep(500);
    const idleMb = readRssMb(server.pid);
    const sessions = await seedSessions(server, "/inventory/seed", "memory", o.memorySessions, o.clients);
    const total = o.memorySessions * o.memoryOrdersPerSession;
    log(`memory: placing ${total} orders across ${o.memorySessions} sessions`);
    const fill = await runOrders({
      baseUrl: server.baseUrl,
      clients: o.clients,
      durationMs: 15 * 60_000,
      maxOrders: total,
      plan: (n) => successOrder(sessions[n % sessions.length]!),
    });
    const afterMb = readRssMb(server.pid);
    const walMb = existsSync(`${server.databasePath}-wal`) ? statSync(`${server.databasePath}-wal`).size / 1024 / 1024 : 0;
    return { idleMb, afterMb, walMb, orders: fill.orders, ordersPerSec: fill.completedPerSec };
  } finally {
    await server.stop();
  }
}

const fmt = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (met: boolean) => (met ? "met" : "**not met**");

async function main() {
  const o = readOptions(process.argv.slice(2));
  const startedAt = performance.now();
  log(`mode: ${o.quick ? "quick" : "full"}; ${o.clients} clients, ${o.sessions} sessions, median of ${o.runs} runs of ${o.runMs / 1000} s`);
  log("cold start");
  const coldStartMs = await measureColdStart(3);
  log("ceiling A (bare hono GET)");
  const ceilingA = await measureCeilingA(o);
  log("ceiling H (the saga's HTTP contract, no database)");
  const ceilingH = await measureCeilingH(o);
  const { saga, perSaga, single, mixed, orchestrated, race } = await measureSagas(o);
  log("saga with timers: where the CPU goes");
  const whereItGoes = await measureAttribution(o);
  log("memory");
  const memory = await measureMemory(o);
  const seconds = (performance.now() - startedAt) / 1000;

  const full = !o.quick;
  // What the measured CPU per saga allows at best. The server runs its HTTP, its reactions and
  // SQLite on one JavaScript thread, so one core's worth of its CPU time is its ceiling; and
  // the client shares the machine's cores with it.
  const cores = navigator.hardwareConcurrency;
  const threadBound = 1_000_000 / perSaga.cpuUs;
  const coresBound = (cores * 1_000_000) / (perSaga.cpuUs + perSaga.clientCpuUs);
  const rows: [string, string, string, string][] = [
    ["Ceiling A: bare hono `GET` route", `${fmt(ceilingA)} req/s`, "", ""],
    ["Ceiling H: the saga's two requests, same middleware and zod, no database", `${fmt(ceilingH)} sagas/s`, "", ""],
    ["Saga: completed orders/s", `${fmt(saga.completedPerSec)} /s`, "≥ 5,000 /s", verdict(saga.completedPerSec >= 5_000)],
    ["Saga: create latency p50 / p99", `${fmt(saga.createP50Ms, 1)} / ${fmt(saga.createP99Ms, 1)} ms`, "", ""],
    [
      "Saga: completion latency p50 / p99",
      `${fmt(saga.completionP50Ms, 1)} / ${fmt(saga.completionP99Ms, 1)} ms`,
      "p99 < 25 ms",
      verdict(saga.completionP99Ms < 25),
    ],
    [
      "Saga, 1 client (no queueing): orders/s; completion p50 / p99",
      `${fmt(single.completedPerSec)} /s; ${fmt(single.completionP50Ms, 2)} / ${fmt(single.completionP99Ms, 1)} ms`,
      "p50 < 1 ms",
      verdict(single.completionP50Ms < 1),
    ],
    ["Saga ÷ ceiling A", `${fmt(saga.completedPerSec / ceilingA, 3)} (1/${fmt(ceilingA / saga.completedPerSec, 1)})`, "≈ 1/15", ""],
    ["Saga ÷ ceiling H", `${fmt(saga.completedPerSec / ceilingH, 2)}`, "", ""],
    [
      "Per completed saga (server): CPU; statements; rows written; B-tree entries written",
      `${fmt(perSaga.cpuUs)} µs; ${fmt(perSaga.statements, 1)}; ${fmt(perSaga.rows, 1)}; ${fmt(perSaga.btreeEntries, 1)}`,
      "",
      "",
    ],
    [`Per completed saga (client, same ${cores} cores): CPU`, `${fmt(perSaga.clientCpuUs)} µs`, "", ""],
    [
      "Bound: the server's one JavaScript thread, 1 s ÷ server CPU per saga",
      `${fmt(threadBound)} sagas/s`,
      "≥ 5,000 /s: server CPU ≤ 200 µs per saga",
      verdict(threadBound >= 5_000),
    ],
    [`Bound: ${cores} cores ÷ (server + client CPU per saga)`, `${fmt(coresBound)} sagas/s`, "≥ 5,000 /s", verdict(coresBound >= 5_000)],
    [
      "Mixed (1/3 payment failures, 1/10 out of stock): settled orders/s",
      `${fmt(mixed.settledPerSec)} /s (${fmt(mixed.completedPerSec)} completed /s)`,
      "",
      "",
    ],
    ["Mixed: create latency p50 / p99", `${fmt(mixed.createP50Ms, 1)} / ${fmt(mixed.createP99Ms, 1)} ms`, "", ""],
    ["Mixed: completion latency p50 / p99", `${fmt(mixed.completionP50Ms, 1)} / ${fmt(mixed.completionP99Ms, 1)} ms`, "", ""],
    [
      "Orchestration (the success order): completed orders/s; completion p50 / p99",
      `${fmt(orchestrated.completedPerSec)} /s; ${fmt(orchestrated.completionP50Ms, 1)} / ${fmt(orchestrated.completionP99Ms, 1)} ms`,
      "≥ half of choreography's",
      verdict(orchestrated.completedPerSec >= saga.completedPerSec / 2),
    ],
    [
      "Orchestration, per completed saga: statements; rows written",
      `${fmt(orchestrated.statements, 1)}; ${fmt(orchestrated.rows, 1)}`,
      "",
      "",
    ],
    [
      `Race: ${race.orders} orders for ${race.units} units`,
      `${race.completed} completed, ${race.cancelled} cancelled, stock left ${race.stockLeft}, reserved ${race.reservedLeft}`,
      `exactly ${race.units}`,
      race.ok ? "met" : "**FAILED**",
    ],
    ["Memory: server RSS idle", `${fmt(memory.idleMb, 1)} MB`, "", ""],
    [
      `Memory: server RSS after ${fmt(o.memorySessions)} sessions × ${fmt(o.memoryOrdersPerSession)} orders`,
      `${fmt(memory.afterMb, 1)} MB (filled at ${fmt(memory.ordersPerSec)} orders/s)`,
      full ? "< 150 MB" : "(full run: 100,000 orders)",
      full ? verdict(memory.afterMb < 150) : "",
    ],
    [
      "WAL file after that continuous load",
      `${fmt(memory.walMb, 1)} MB`,
      `bounded: ≤ ${MAX_WAL_MB} MB`,
      full ? verdict(memory.walMb <= MAX_WAL_MB) : "",
    ],
    ["Cold start: spawn to first `GET /health` answered", `${fmt(coldStartMs)} ms`, "< 300 ms", verdict(coldStartMs < 300)],
  ];

  const lines = [
    `Saga benchmark (${o.quick ? "--quick" : "full"} run, ${fmt(seconds)} s): ${o.clients} concurrent clients across ${o.sessions} sessions, median of ${o.runs} runs of ${o.runMs / 1000} s after a warm-up.`,
    `Client: Bun ${Bun.version} fetch with keep-alive (one pooled connection per client), in a separate process from each server, on the same machine.`,
    `Machine: ${describeMachine()}.`,
    "",
    "| measure | figure | target | |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    ...whereItGoes,
  ];
  console.log(lines.join("\n"));
  if (!race.ok) {
    console.error("bench: the race did not end with exactly as many completed orders as units");
    process.exit(1);
  }
}

await main();
