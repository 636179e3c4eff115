import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/clock";
import { WIPE_SLICE } from "../../../src/sessions/session-wipe";
import { allTables } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

const dir = mkdtempSync(join(tmpdir(), "saga-wipe-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsOf = (t: TestApp, session: string) =>
  Object.fromEntries(
    [...allTables, "session_wipes"].map((table) => [
      table,
      (t.deps.db.$client.query(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(session) as { n: number }).n,
    ]),
  );

/** What a half-wiped session could still move: its money and its stock. */
const moneyAndStock = (t: TestApp, session: string) => ({
  payments: t.deps.db.$client
    .query("SELECT status, count(*) AS n FROM payments WHERE session_id = ? GROUP BY status ORDER BY status")
    .all(session),
  stock: t.deps.db.$client
    .query("SELECT id, stock_level AS stockLevel, reserved FROM products WHERE session_id = ? ORDER BY id")
    .all(session),
});

// Issue 18, item 2: the wipe deleted the orders before the bus's rows; killed in between, the
// next process ran the half-wiped session's sagas (payments charged, stock taken for orders gone).
test("a wipe cut short by a crash moves nothing of the session after the restart, and start-up finishes it", async () => {
  const databasePath = join(dir, "saga.sqlite");
  const clock = new ManualClock();
  const before = createTestApp({ databasePath, clock });
  const catalog = { products: [{ id: "widget", name: "Widget", stock_level: 100_000, price_cents: 100 }] };
  for (const session of ["leaving", "staying"]) await before.request("POST", "/inventory/seed", { session, body: catalog });
  // Enough sagas that the schedule (a charge and a deadline per order) takes more than one slice to delete.
  const orders = Math.ceil(WIPE_SLICE / 2) + 100;
  const order = { items: [{ product: "widget", quantity: 1 }] };
  for (let placed = 0; placed < orders; placed += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, orders - placed) }, () => before.request("POST", "/orders", { session: "leaving", body: order })),
    );
  }
  await before.request("POST", "/orders", { session: "staying", body: order });
  clock.advance(3_000); // the inventory delay: every order reserved, every charge waiting for the payment delay
  before.relay.runDue();
  const atCrash = moneyAndStock(before, "leaving");
  expect(atCrash.payments).toEqual([{ status: "PENDING", n: orders }]);

  // The process dies during the wipe's first slice-break: whatever the first slice committed stays.
  const wiping = before.wipeSession("leaving");
  before.deps.db.$client.close();
  await wiping.catch(() => "the database went away with the process");

  const after = createTestApp({ databasePath, clock });
  clock.advance(10_000); // every charge, had it survived, is due
  after.relay.runDue();
  expect(moneyAndStock(after, "leaving")).toEqual(atCrash);
  // The other session's saga goes on as ever.
  expect(after.deps.db.$client.query("SELECT status FROM payments WHERE session_id = 'staying'").all()).toEqual([{ status: "SUCCESS" }]);

  expect(rowsOf(after, "leaving").session_wipes).toBe(1);
  expect(await after.resumeWipes()).toEqual(["leaving"]);
  expect(Object.values(rowsOf(after, "leaving")).every((n) => n === 0)).toBe(true);
  expect(await after.resumeWipes()).toEqual([]);
  after.deps.db.$client.close();
});

test("while a wipe is under way the relay runs nothing of the session, and two wipes asked at once are one", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed", { session: "leaving" });
  await t.request("POST", "/orders", { session: "leaving", body: { items: [{ product: "mouse", quantity: 1 }] } });
  t.clock.advance(3_000);
  t.relay.runDue();
  const first = t.wipeSession("leaving");
  const second = t.wipeSession("leaving");
  t.clock.advance(10_000);
  t.relay.runDue(); // between two slices of the wipe: the charge is due
  expect(moneyAndStock(t, "leaving").payments).toEqual([{ status: "PENDING", n: 1 }]);
  expect(second).toBe(first);
  await first;
  expect(Object.values(rowsOf(t, "leaving")).every((n) => n === 0)).toBe(true);
});
