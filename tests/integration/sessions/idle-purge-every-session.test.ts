import { expect, test } from "bun:test";
import { allTables } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

const week = 7 * 86_400_000;

const rowsOf = (t: TestApp, session: string) =>
  Object.fromEntries(
    allTables
      .map((table) => [
        table,
        (t.deps.db.$client.query(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(session) as { n: number }).n,
      ])
      .filter(([, n]) => n !== 0),
  );

// Issue 18, item 11: the purge knew a session only by its catalog or its orders, so a session
// with neither kept its notifications (a customer's e-mail address), its knobs and its log's
// numbering forever.
test("the idle purge wipes every quiet session that has any row: knobs only, or what an orders reset left", async () => {
  const t = createTestApp();
  // No catalog: the order is cancelled as out of stock, and the reset drops the order and its history.
  await t.request("POST", "/orders", {
    session: "after-reset",
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true, userId: "ada@example.com" },
  });
  t.settle(t.clock.now() + 60_000);
  await t.request("POST", "/orders/reset", { session: "after-reset" });
  t.settle(t.clock.now() + 60_000);
  await t.request("PATCH", "/settings", { session: "knobs-only", body: { paymentDelayMs: 1_000 } });
  expect(Object.keys(rowsOf(t, "knobs-only"))).toEqual(["session_settings"]);
  expect(Object.keys(rowsOf(t, "after-reset")).length).toBeGreaterThan(0);

  // Not before its time: a week's quiet is allowed.
  t.clock.advance(week);
  expect(await t.purgeIdleSessions(week)).toEqual([]);

  t.clock.advance(1);
  await t.request("PATCH", "/settings", { session: "still-here", body: { paymentDelayMs: 2_000 } });
  expect((await t.purgeIdleSessions(week)).sort()).toEqual(["after-reset", "knobs-only"]);
  expect(rowsOf(t, "knobs-only")).toEqual({});
  expect(rowsOf(t, "after-reset")).toEqual({});
  expect(rowsOf(t, "still-here")).toEqual({ session_settings: 1 });
});
