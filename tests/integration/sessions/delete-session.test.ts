import { expect, test } from "bun:test";
import { allTables, dumpDomainTables } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

const tables = allTables;

const rowsOf = (t: TestApp, session: string) =>
  Object.fromEntries(
    tables.map((table) => [
      table,
      (t.deps.db.$client.query(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(session) as { n: number }).n,
    ]),
  );

async function fill(t: TestApp, session: string) {
  await t.request("POST", "/inventory/seed", { session });
  await t.request("PATCH", "/settings", { session, body: { paymentDelayMs: 1_000, shipmentStep: true } });
  await t.request("PATCH", "/session", { session, body: { name: `attendee ${session}` } });
  const { body: cart } = await t.request("POST", "/cart", { session });
  await t.request("PUT", `/cart/${cart.id}/items`, { session, body: { product: "mouse", quantity: 2 } });
  await t.request("POST", "/orders", {
    session,
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
    headers: { "idempotency-key": "k" },
  });
  await t.request("POST", "/orders", { session, body: { items: [{ product: "laptop", quantity: 1 }] } }); // still in flight
  await t.request("POST", "/orders", { session, body: { items: [{ product: "mouse", quantity: 1 }], sagaStyle: "orchestration" } });
  t.relay.runDue();
}

test("DELETE /session wipes every row of the session in every table, and nothing of any other", async () => {
  const t = createTestApp();
  await fill(t, "leaving");
  await fill(t, "staying");
  const staying = rowsOf(t, "staying");
  const stayingRows = JSON.stringify(dumpDomainTables(t.deps.db)).length;
  expect(Object.values(rowsOf(t, "leaving")).every((n) => n > 0)).toBe(true);

  const answer = await t.request("DELETE", "/session", { session: "leaving" });
  expect(answer.status).toBe(200);
  expect(Object.keys(answer.body.deleted).sort()).toEqual([...tables].sort());
  expect(Object.values(answer.body.deleted as Record<string, number>).every((n) => n > 0)).toBe(true);
  expect(Object.values(rowsOf(t, "leaving")).every((n) => n === 0)).toBe(true);
  expect(rowsOf(t, "staying")).toEqual(staying);
  expect(JSON.stringify(dumpDomainTables(t.deps.db)).length).toBeLessThan(stayingRows);

  // The session starts over as a new one: no orders, the default knobs, no delivery log.
  expect((await t.request("GET", "/orders", { session: "leaving" })).body).toEqual([]);
  expect((await t.request("GET", "/settings", { session: "leaving" })).body.paymentDelayMs).toBe(5_000);
  t.settle();
  expect(t.checkConsistency({ settled: true })).toEqual({ consistent: true, violations: [] });
  expect((await t.request("DELETE", "/session", { session: null })).status).toBe(400);
});

test("sessions quiet for SESSION_IDLE_TTL are purged like DELETE /session; active ones are kept", async () => {
  const t = createTestApp();
  await fill(t, "gone-quiet");
  t.settle(); // its sagas end, deadlines included
  t.clock.advance(7 * 86_400_000 + 1); // more than 7 days of quiet
  await fill(t, "still-here");
  t.settle(t.clock.now() + 60_000);
  expect(await t.purgeIdleSessions(7 * 86_400_000)).toEqual(["gone-quiet"]);
  expect(Object.values(rowsOf(t, "gone-quiet")).every((n) => n === 0)).toBe(true);
  expect(rowsOf(t, "still-here").orders).toBe(3);
  expect(await t.purgeIdleSessions(7 * 86_400_000)).toEqual([]);
});

test("SESSION_IDLE_TTL reads as a duration; a bad one is a clear start-up refusal", async () => {
  const { readServerConfig } = await import("../../../src/platform/config");
  expect(readServerConfig({}).sessionIdleTtlMs).toBe(7 * 86_400_000);
  expect(readServerConfig({ SESSION_IDLE_TTL: "12h" }).sessionIdleTtlMs).toBe(12 * 3_600_000);
  expect(readServerConfig({ SESSION_IDLE_TTL: "90000" }).sessionIdleTtlMs).toBe(90_000);
  expect(() => readServerConfig({ SESSION_IDLE_TTL: "soon" })).toThrow("Invalid environment: SESSION_IDLE_TTL");
  expect(() => readServerConfig({ SESSION_IDLE_TTL: "10s" })).toThrow("at least a minute");
});
