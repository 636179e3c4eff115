import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../../src/platform/clock";
import { ManualTimer } from "../../../src/platform/timer";
import { TEACHER_REFRESH_MS } from "../../../src/teacher/teacher-stream";
import { createTestApp, type TestApp } from "../../support/test-app";
import { sseReader } from "../dashboard/sse-reader";

const TOKEN = "teach-the-saga-2026";

async function classOf(t: TestApp, size: number) {
  const sessions = Array.from({ length: size }, (_, i) => `attendee-${String(i + 1).padStart(2, "0")}`);
  for (const [i, session] of sessions.entries()) {
    t.clock.advance(1_000); // each attendee a second later: the most recent first
    await t.request("POST", "/inventory/seed", { session });
    if (i % 3 === 0)
      await t.request("POST", "/orders", { session, body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
    if (i % 5 === 0) {
      await t.request("POST", "/orders", {
        session,
        body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true, paymentBehaviour: "failure" },
      });
    }
  }
  t.relay.runDue();
  return sessions;
}

describe("the teacher's overview (TEACHER_TOKEN)", () => {
  test("30 sessions, in a stable order (by id when none has a name), each with its counts, sagas, dead letters and consistency, and a link to its dashboard", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    const sessions = await classOf(t, 30);
    // One attendee's saga gets stuck; another breaks an invariant (an inventory reset orphans a completed order).
    await t.request("PATCH", "/settings", { session: "attendee-02", body: { reactionFaultRate: 1 } });
    await t.request("POST", "/orders", {
      session: "attendee-02",
      body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
    });
    t.settle(t.clock.now() + 60_000);
    await t.request("POST", "/inventory/reset", { session: "attendee-04" });

    const page = await t.request("GET", `/teacher?token=${TOKEN}`, { session: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const rows = [...page.text.matchAll(/<tr data-session="([^"]+)" data-consistent="(true|false)">/g)].map((m) => [m[1], m[2]]);
    expect(rows).toHaveLength(30);
    // Listed by id, not by activity: attendee-04, reset just now, keeps its place.
    expect(rows.map(([s]) => s)).toEqual([...sessions].sort());
    expect(rows.filter(([, consistent]) => consistent === "false").map(([s]) => s)).toEqual(["attendee-04"]);
    const stuckRow = page.text.match(/<tr data-session="attendee-02"[\s\S]*?<\/tr>/)?.[0] ?? "";
    expect(stuckRow).toContain('href="/?session=attendee-02"');
    const cells = [...stuckRow.matchAll(/<td class="num( dead)?">(\d+)<\/td>/g)].map((m) => Number(m[2]));
    expect(cells).toEqual([1, 0, 0, 0, 1, 2]); // 1 order: not final, stuck, its reservation and notification dead-lettered
    const first = page.text.match(/<tr data-session="attendee-01"[\s\S]*?<\/tr>/)?.[0] ?? "";
    expect([...first.matchAll(/<td class="num( dead)?">(\d+)<\/td>/g)].map((m) => Number(m[2]))).toEqual([2, 1, 1, 0, 0, 0]);
    expect((await t.request("GET", `/teacher/sessions?token=${TOKEN}`, { session: null })).text).toContain('data-session-count="30"');
    // The room's totals: the rows' sums (attendee-04's reset orphans its completed order: its violations count).
    const totals = JSON.parse((page.text.match(/data-room-totals="([^"]+)"/)?.[1] ?? "{}").replaceAll("&quot;", '"'));
    const sum = (column: number) =>
      [...page.text.matchAll(/<tr data-session="[^"]+"[\s\S]*?<\/tr>/g)].reduce(
        (n, m) => n + Number([...m[0].matchAll(/<td class="num( dead)?">(\d+)<\/td>/g)][column]?.[2] ?? 0),
        0,
      );
    expect(totals).toMatchObject({ sessions: 30, notYetChecked: 0, completed: sum(1), cancelled: sum(2), running: sum(3) });
    expect(totals.violations).toBeGreaterThan(0);
    expect(totals.completed).toBeGreaterThan(0);
    expect(totals.cancelled).toBeGreaterThan(0);
    expect(page.text).toContain(`${totals.completed} completed, ${totals.cancelled} cancelled`);
  });

  test("a busy session keeps its place while it works (found in class: a row moved about once a second, a click opened the intended session 1 time in 6)", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    const sessions = await classOf(t, 25);
    const place = async () => {
      const page = await t.request("GET", `/teacher/sessions?token=${TOKEN}`, { session: null });
      return [...page.text.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1]).indexOf("attendee-17");
    };
    const places: number[] = [];
    for (let i = 0; i < 5; i++) {
      // attendee-17 is the most recently active each time; then another attendee is.
      await t.request("POST", "/orders", {
        session: "attendee-17",
        body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
      });
      t.relay.runDue();
      t.clock.advance(2_000);
      places.push(await place());
      await t.request("POST", "/orders", {
        session: sessions[i] as string,
        body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
      });
      t.relay.runDue();
      t.clock.advance(2_000);
      places.push(await place());
    }
    expect(places).toEqual(Array(10).fill(16));
  });

  test("without the token, with a wrong one, or with none configured: exactly the answer of a route that does not exist", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await classOf(t, 3);
    const nowhere = await t.request("GET", "/nowhere-at-all", { session: null });
    for (const path of ["/teacher", "/teacher?token=wrong", `/teacher?token=${TOKEN}x`, "/teacher/sessions", "/teacher/stream?token="]) {
      const answer = await t.request("GET", path, { session: "attendee-01" });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: `No route for GET ${path.split("?")[0]}`, code: "NOT_FOUND" });
      expect(answer.text).not.toContain("attendee");
    }
    expect(nowhere.body.code).toBe("NOT_FOUND");
    const unconfigured = createTestApp();
    expect((await unconfigured.request("GET", "/teacher?token=", { session: null })).status).toBe(404);
    expect((await unconfigured.request("GET", `/teacher?token=${TOKEN}`, { session: null })).status).toBe(404);
  });

  test("the live stream says SESSIONS_CHANGED (at most once a second) when anything happens in any session", async () => {
    const clock = new ManualClock();
    const timer = new ManualTimer(clock);
    const t = createTestApp({ teacherToken: TOKEN, clock, timer });
    await classOf(t, 2);
    const abort = new AbortController();
    const response = await t.app.request(`/teacher/stream?token=${TOKEN}`, { signal: abort.signal });
    const messages = sseReader(response);
    expect((await messages.next())?.event).toBe("ready");
    const started = clock.now();
    for (let i = 0; i < 5; i += 1) {
      await t.request("POST", "/orders", {
        session: "attendee-01",
        body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
      });
    }
    // Five orders, one refresh: due a second after the first of them.
    expect(timer.nextAt()).toBe(started + TEACHER_REFRESH_MS);
    expect(timer.fireNext()).toBe(true);
    expect(timer.nextAt()).toBeNull();
    expect((await messages.next())?.event).toBe("SESSIONS_CHANGED");
    abort.abort();
  });
});
