import { describe, expect, test } from "bun:test";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { checkInvariantsInTurns } from "../../../src/consistency/invariants";
import { type Database, openDatabase } from "../../../src/platform/db";
import { sagaAdmin } from "../../../src/sagas/sagas";
import { OverviewCache, type OverviewSnapshot, SESSION_MIN_COST } from "../../../src/teacher/overview-cache";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, type TestApp } from "../../support/test-app";

const TOKEN = "teach-the-saga-2026";
const mouse = { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true };

/**
 * A test app whose query builder logs every query it runs (drizzle's own logger, nothing
 * patched): the overview reads through the modules' queries, so what a refresh reads shows.
 */
function countingApp(): { t: TestApp; queries: { sql: string; params: unknown[] }[] } {
  const queries: { sql: string; params: unknown[] }[] = [];
  const { $client } = openDatabase({ path: ":memory:" });
  const db: Database = drizzle({ client: $client, logger: { logQuery: (sql, params) => void queries.push({ sql, params }) } });
  return { t: createTestApp({ db, teacherToken: TOKEN }), queries };
}

async function classOf(t: TestApp, size: number): Promise<string[]> {
  const sessions = Array.from({ length: size }, (_, i) => `attendee-${String(i + 1).padStart(2, "0")}`);
  for (const session of sessions) {
    t.clock.advance(1_000);
    await t.request("POST", "/inventory/seed", { session });
    await t.request("POST", "/orders", { session, body: mouse });
  }
  t.settle(t.clock.now() + 60_000);
  return sessions;
}

const refresh = (t: TestApp) => t.request("GET", `/teacher/sessions?token=${TOKEN}`, { session: null });
const cellsOf = (html: string, session: string) =>
  [
    ...(html.match(new RegExp(`<tr data-session="${session}"[\\s\\S]*?</tr>`))?.[0] ?? "").matchAll(/<td class="num( dead)?">(\d+)<\/td>/g),
  ].map((m) => Number(m[2]));

describe("the teacher's overview under a busy class (found by attacking the server: 26 refreshes in 33 s, none finished, a core pinned)", () => {
  test("a refresh when nothing changed checks nothing again: no query at all, and the answer says how old it is", async () => {
    const { t, queries } = countingApp();
    await classOf(t, 30);
    expect((await refresh(t)).text).toContain('data-session-count="30"');
    queries.length = 0;
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(2_000);
      const answer = await refresh(t);
      expect(answer.text).toContain('data-session-count="30"');
      expect(answer.text).toContain(`data-age-ms="${2_000 * (i + 1)}"`);
    }
    expect(queries).toEqual([]);
    const metrics = parsePrometheus((await t.request("GET", "/metrics", { session: null })).text);
    expect(sampleValue(metrics, "teacher_overview_computation_seconds_count")).toBe(1);
    expect(sampleValue(metrics, "teacher_overview_checked_total", { unit: "sessions" })).toBe(30);
    expect(sampleValue(metrics, "teacher_overview_checked_total", { unit: "orders" })).toBe(30);
  });

  test("after one attendee's saga moves, a refresh checks that session alone, and shows it", async () => {
    const { t, queries } = countingApp();
    await classOf(t, 30);
    await refresh(t);
    await t.request("POST", "/orders", { session: "attendee-07", body: mouse });
    t.settle(t.clock.now() + 60_000);
    t.clock.advance(2_000);
    queries.length = 0;
    const answer = await refresh(t);
    expect(cellsOf(answer.text, "attendee-07")).toEqual([2, 2, 0, 0, 0, 0]);
    expect(queries.length).toBeGreaterThan(0);
    const sessionsRead = new Set(queries.flatMap((q) => q.params.filter((p) => typeof p === "string" && p.startsWith("attendee-"))));
    expect([...sessionsRead]).toEqual(["attendee-07"]);
  });

  test("twenty viewers refreshing at once start one computation: the other nineteen answer the last overview before it finishes", async () => {
    const once = countingApp();
    const many = countingApp();
    for (const { t } of [once, many]) {
      await classOf(t, 10);
      await refresh(t);
      for (const session of ["attendee-02", "attendee-05"]) await t.request("POST", "/orders", { session, body: mouse });
      t.settle(t.clock.now() + 60_000);
      t.clock.advance(2_000);
    }
    once.queries.length = 0;
    many.queries.length = 0;
    await refresh(once.t);
    const finished: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        refresh(many.t).then((answer) => {
          finished.push(i);
          return answer;
        }),
      ),
    );
    expect(many.queries.length).toBe(once.queries.length);
    expect(finished.at(-1)).toBe(0); // the viewer that started the computation waited for it; nobody else did
    expect(cellsOf(answers[0]?.text ?? "", "attendee-02")).toEqual([2, 2, 0, 0, 0, 0]);
    expect(cellsOf(answers[1]?.text ?? "", "attendee-02")).toEqual([1, 1, 0, 0, 0, 0]); // the last overview, as it was
  });

  test("refreshes less than a second apart start no new computation, however much changes", async () => {
    const { t, queries } = countingApp();
    await classOf(t, 5);
    await refresh(t);
    queries.length = 0;
    for (let i = 0; i < 9; i += 1) {
      await t.request("POST", "/orders", { session: "attendee-01", body: mouse });
      t.clock.advance(100);
      await refresh(t);
    }
    expect(queries).toEqual([]);
    t.clock.advance(100); // 1 s after the last computation began
    expect(cellsOf((await refresh(t)).text, "attendee-01")).toEqual([10, 1, 0, 9, 0, 0]);
    expect(queries.length).toBeGreaterThan(0);
  });
});

describe("the overview stays right while it is kept incrementally", () => {
  test("a saga held in step mode turns stuck at its deadline with no event to say so, and the overview sees it", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await t.request("POST", "/inventory/seed", { session: "held" });
    await t.request("PATCH", "/settings", { session: "held", body: { stepMode: true, orderTimeoutMs: 10_000 } });
    await t.request("POST", "/orders", { session: "held", body: mouse });
    t.relay.runDue();
    expect(cellsOf((await refresh(t)).text, "held")).toEqual([1, 0, 0, 1, 0, 0]);
    t.clock.advance(5_000);
    expect(cellsOf((await refresh(t)).text, "held")).toEqual([1, 0, 0, 1, 0, 0]);
    t.clock.advance(5_001);
    expect(cellsOf((await refresh(t)).text, "held")).toEqual([1, 0, 0, 0, 1, 0]);
  });

  test("a new session appears, a wiped one disappears", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await classOf(t, 3);
    expect((await refresh(t)).text).toContain('data-session-count="3"');
    t.clock.advance(1_000);
    await t.request("POST", "/inventory/seed", { session: "late-comer" });
    await t.request("DELETE", "/session", { session: "attendee-02" });
    t.clock.advance(2_000);
    const answer = (await refresh(t)).text;
    expect([...answer.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1])).toEqual(["attendee-01", "attendee-03", "late-comer"]);
  });
});

describe("a computation's cost is bounded", () => {
  test("with a budget of two sessions' worth, each computation checks two sessions, the most urgent first; the others say they are being checked", async () => {
    const t = createTestApp();
    await classOf(t, 6);
    const sagas = sagaAdmin({
      orders: t.modules.orders,
      bus: t.deps.bus,
      steering: t.steering,
      settings: t.deps.settings,
      clock: t.clock,
      orchestrator: t.modules.orchestrator,
    });
    const audit = {
      orders: t.modules.orders.queries,
      inventory: t.modules.inventory.queries,
      payments: t.modules.payments.queries,
      shipping: t.modules.shipping.queries,
      bus: t.deps.bus,
    };
    const overview = new OverviewCache(
      {
        orders: t.modules.orders.queries,
        inventory: t.modules.inventory.queries,
        sagas,
        settings: t.deps.settings,
        names: { of: () => null, all: () => new Map() },
        checkConsistency: (sessionId) => checkInvariantsInTurns(audit, { sessionId }),
      },
      t.clock,
      // The class is quiet meanwhile: no seed or reset to hear of.
      { bus: t.deps.bus, changes: { listen: () => () => {} } },
      { ordersPerComputation: 2 * SESSION_MIN_COST, minIntervalMs: 1_000 },
    );
    const checked = (snapshot: OverviewSnapshot) => snapshot.rows.filter((r) => r.checkedAt !== null).map((r) => r.sessionId);
    // The sagas all finished in the same relay round: equally recent, so by id.
    expect(checked(await overview.current())).toEqual(["attendee-01", "attendee-02"]);
    expect(overview.work).toEqual({ computations: 1, sessionsChecked: 2, ordersChecked: 2 });
    t.clock.advance(1_000);
    expect(checked(await overview.current())).toEqual(["attendee-01", "attendee-02", "attendee-03", "attendee-04"]);
    t.clock.advance(1_000);
    expect((await overview.current()).rows.every((r) => r.checkedAt !== null)).toBe(true);
    expect(overview.work).toEqual({ computations: 3, sessionsChecked: 6, ordersChecked: 6 });
    t.clock.advance(1_000);
    await overview.current();
    expect(overview.work.computations).toBe(3); // nothing changed: nothing computed
  });
});
