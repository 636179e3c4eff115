import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseAtMigration } from "../../support/migrations";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";
import { sseReader } from "../dashboard/sse-reader";

/**
 * Found by attacking the server: event `seq` numbers were global, so the gap between two of a
 * session's events counted other sessions' activity (a workshop attendee saw #1, #2, #3518...).
 * Clients now see each session's own sequence: 1, 2, 3, ... in `GET /events`, on the stream, in
 * `Last-Event-ID`, `?after=` and `POST /events/:seq/redeliver`.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-session-seq-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seqsOf = async (t: TestApp, session: string) =>
  ((await t.request("GET", "/events?limit=1000", { session })).body as { seq: number }[]).map((e) => e.seq);
const count = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

/** Two sessions whose sagas interleave on the bus. */
async function twoBusySessions() {
  const t = createTestApp();
  for (const session of ["alice", "bob"]) await t.request("POST", "/inventory/seed", { session });
  for (const session of ["alice", "bob", "alice", "bob", "alice"]) {
    await t.request("POST", "/orders", { session, body: fiveMousePads });
  }
  t.settle(t.clock.now() + 60_000);
  return t;
}

describe("a session's events are numbered within the session", () => {
  test("GET /events: each session counts 1, 2, 3, ... whatever the other did in between", async () => {
    const t = await twoBusySessions();
    expect(await seqsOf(t, "alice")).toEqual(count(15)); // 3 orders × 5 events
    expect(await seqsOf(t, "bob")).toEqual(count(10));
    const page = (await t.request("GET", "/events?after=12", { session: "alice" })).body as { seq: number; type: string }[];
    expect(page.map((e) => e.seq)).toEqual([13, 14, 15]);
  });

  test("the stream's ids and Last-Event-ID are the session's own numbers", async () => {
    const t = await twoBusySessions();
    const controller = new AbortController();
    const response = await t.app.request("/events/stream", {
      headers: { "x-session-id": "bob", "last-event-id": "8" },
      signal: controller.signal,
    });
    const sse = sseReader(response);
    expect((await sse.next())?.event).toBe("ready");
    const replayed = await sse.take(2);
    expect(replayed.map((m) => m.id)).toEqual(["9", "10"]);
    await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
    await t.request("POST", "/orders", { session: "bob", body: fiveMousePads });
    t.settle(t.clock.now() + 60_000);
    const live = await sse.take(5);
    expect(live.map((m) => m.id)).toEqual(["11", "12", "13", "14", "15"]);
    expect(live.map((m) => JSON.parse(m.data).seq)).toEqual([11, 12, 13, 14, 15]);
    await sse.cancel();
  });

  test("POST /events/:seq/redeliver names the session's own event; the delivery log and the bus speak the same numbers", async () => {
    const t = await twoBusySessions();
    const bobsEvents = (await t.request("GET", "/events", { session: "bob" })).body as { seq: number; type: string; orderId: string }[];
    const created = bobsEvents.find((e) => e.seq === 1);
    expect(created?.type).toBe("ORDER_CREATED");
    const again = await t.request("POST", "/events/1/redeliver", { session: "bob" });
    expect(again.status).toBe(200);
    expect(again.body.eventSeq).toBe(1);
    const log = (await t.request("GET", `/orders/${created?.orderId}/deliveries`, { session: "bob" })).body as { eventSeq: number }[];
    const trace = bobsEvents.filter((e) => e.orderId === created?.orderId).map((e) => e.seq);
    expect(trace).toHaveLength(5);
    expect(new Set(log.map((entry) => entry.eventSeq))).toEqual(new Set(trace));
    // Bob's sagas have ended, and nothing of them is left on the bus; a new order held in step
    // mode waits on its ORDER_CREATED, known by bob's own next number.
    expect((await t.request("GET", "/bus/deliveries", { session: "bob" })).body).toEqual([]);
    await t.request("PATCH", "/settings", { session: "bob", body: { stepMode: true } });
    await t.request("POST", "/orders", { session: "bob", body: fiveMousePads });
    t.relay.runDue();
    const scheduled = (await t.request("GET", "/bus/deliveries", { session: "bob" })).body as { eventSeq: number; eventType: string }[];
    const nextSeq = Math.max(...bobsEvents.map((e) => e.seq)) + 1;
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.map((d) => `${d.eventType} #${d.eventSeq}`)).toEqual(scheduled.map(() => `ORDER_CREATED #${nextSeq}`));
  });

  test("an orders reset never gives a number twice; DELETE /session starts the count over", async () => {
    const t = await twoBusySessions();
    await t.request("POST", "/orders/reset", { session: "alice" });
    t.settle(t.clock.now() + 60_000);
    expect(await seqsOf(t, "alice")).toEqual([]);
    await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
    t.settle(t.clock.now() + 60_000);
    expect(await seqsOf(t, "alice")).toEqual(count(5, 16));
    await t.request("DELETE", "/session", { session: "alice" });
    await t.request("POST", "/inventory/seed", { session: "alice" });
    await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
    t.settle(t.clock.now() + 60_000);
    expect(await seqsOf(t, "alice")).toEqual(count(5));
    expect(await seqsOf(t, "bob")).toEqual(count(10));
  });

  test("upgrading a database whose events had only global numbers: each session's log is numbered in commit order", async () => {
    const path = join(dir, "before-session-seq.sqlite");
    const old = databaseAtMigration(dir, path, 9); // 0000–0008
    const insert = old.prepare(
      `INSERT INTO events (id, session_id, type, saga_id, order_id, causation_id, timestamp, data)
       VALUES ($id, $session, 'ORDER_CANCELLED', 'saga', 'gone-order', NULL, 0, '{"cancellationSource":"operator","reason":"old"}')`,
    );
    for (const [i, session] of ["a", "b", "a", "b", "b", "a"].entries()) insert.run({ id: `evt-${i}`, session });
    old.run("UPDATE relay_cursor SET last_seq = 6");
    old.close();
    const t = createTestApp({ databasePath: path });
    const numbered = t.deps.db.$client.query("SELECT id, session_id AS session, session_seq AS n FROM events ORDER BY seq").all();
    expect(numbered).toEqual([
      { id: "evt-0", session: "a", n: 1 },
      { id: "evt-1", session: "b", n: 1 },
      { id: "evt-2", session: "a", n: 2 },
      { id: "evt-3", session: "b", n: 2 },
      { id: "evt-4", session: "b", n: 3 },
      { id: "evt-5", session: "a", n: 3 },
    ]);
    await t.request("POST", "/inventory/seed", { session: "b" });
    await t.request("POST", "/orders", { session: "b", body: fiveMousePads });
    expect(await seqsOf(t, "b")).toEqual(count(4));
    t.deps.db.$client.close();
  });
});
