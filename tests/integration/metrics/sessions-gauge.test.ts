import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

const sessionsGauge = async (t: TestApp) =>
  sampleValue(parsePrometheus((await t.request("GET", "/metrics", { session: null })).text), "sessions");

/** What a scan of every session table would say: the truth the gauge must match. */
const sessionsInTheDatabase = (t: TestApp) =>
  t.deps.db.$client
    .query<{ n: number }, []>(
      `SELECT count(*) AS n FROM (${[
        "orders",
        "order_items",
        "idempotency_keys",
        "products",
        "reservations",
        "reservation_lines",
        "payments",
        "notifications",
        "events",
        "session_event_seqs",
        "deliveries",
        "session_settings",
      ]
        .map((table) => `SELECT session_id FROM ${table}`)
        .join(" UNION ")})`,
    )
    .get()?.n;

describe("the sessions gauge (found by attacking the server: with 20,000 sessions a scrape scanned tables for 44–56 ms)", () => {
  test("counts every session with a row in any table, from its first row to its wipe, and again after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessions-gauge-"));
    try {
      const t = createTestApp({ databasePath: join(dir, "db.sqlite") });
      await t.request("POST", "/orders", { session: "orders-only", body: fiveMousePads });
      t.settle(t.clock.now() + 60_000);
      await t.request("POST", "/inventory/seed", { session: "catalog-only" });
      await t.request("PATCH", "/settings", { session: "knobs-only", body: { paymentDelayMs: 0 } });
      await t.request("GET", "/orders", { session: "only-looks" });
      expect(await sessionsGauge(t)).toBe(3);
      expect(sessionsInTheDatabase(t)).toBe(3);

      // Resets never leave a session without a row: it still counts.
      for (const reset of ["/orders/reset", "/inventory/reset", "/payments/reset"])
        await t.request("POST", reset, { session: "orders-only" });
      t.settle(t.clock.now() + 60_000);
      expect(await sessionsGauge(t)).toBe(3);
      expect(sessionsInTheDatabase(t)).toBe(3);

      expect((await t.request("DELETE", "/session", { session: "catalog-only" })).status).toBe(200);
      expect((await t.request("DELETE", "/session", { session: "knobs-only" })).status).toBe(200);
      expect(await sessionsGauge(t)).toBe(1);
      expect(sessionsInTheDatabase(t)).toBe(1);
      // A wiped session that comes back counts again.
      await t.request("PATCH", "/settings", { session: "knobs-only", body: { paymentDelayMs: 0 } });
      expect(await sessionsGauge(t)).toBe(2);
      t.deps.db.$client.close();

      const restarted = createTestApp({ databasePath: join(dir, "db.sqlite") });
      expect(await sessionsGauge(restarted)).toBe(2);
      restarted.deps.db.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a scrape reads the count from memory: rows removed behind the server's back (no wipe, no announcement) do not change it", async () => {
    const t = createTestApp();
    for (const session of ["a", "b", "c"]) await t.request("POST", "/inventory/seed", { session });
    await t.request("POST", "/orders", { session: "d", body: fiveMousePads });
    t.settle(t.clock.now() + 60_000);
    expect(await sessionsGauge(t)).toBe(4);
    for (const table of ["products", "reservations", "session_event_seqs", "orders"]) t.deps.db.$client.run(`DELETE FROM ${table}`);
    expect(await sessionsGauge(t)).toBe(4);
  });
});

describe("the relay's gauges at scrape time", () => {
  test("bus_relay_lag_seconds and bus_relay_pending run only index searches: none scans a table or a whole index (dead letters pile up behind them)", () => {
    const t = createTestApp();
    const { statements } = t.deps.bus;
    const gaugeStatements = [statements.firstEventAfter, statements.eventsAfterCount, statements.nextDueAt, statements.scheduledCount];
    for (const statement of gaugeStatements) {
      const sql = statement.toString();
      const plan = t.deps.db.$client
        .query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => row.detail);
      expect({ sql, scans: plan.filter((step) => step.startsWith("SCAN")) }).toEqual({ sql, scans: [] });
    }
  });
});
