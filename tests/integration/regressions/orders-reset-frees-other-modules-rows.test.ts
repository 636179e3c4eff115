import { expect, test } from "bun:test";
import { defaultCatalog } from "../../../src/modules/inventory/catalog";
import { createTestApp, fiveMousePads } from "../../support/test-app";

const count = (t: ReturnType<typeof createTestApp>, table: string) =>
  (t.deps.db.$client.query(`SELECT count(*) AS n FROM ${table} WHERE session_id = 'test-session'`).get() as { n: number }).n;

// Issue 18, item 10: an orders reset freed the order quota but kept every reservation (with its
// lines) and message of the orders it removed, so a session's disk grew with every reset.
test("an orders reset drops the reservations, payments and messages of the finished orders it removed; the units they took stay sold", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("POST", "/orders", { body: fiveMousePads });
  await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } });
  t.settle();
  expect([count(t, "reservations"), count(t, "reservation_lines"), count(t, "payments"), count(t, "notifications")]).toEqual([2, 2, 2, 4]);

  await t.request("POST", "/orders/reset");
  t.settle();

  expect([count(t, "reservations"), count(t, "reservation_lines"), count(t, "payments"), count(t, "notifications")]).toEqual([0, 0, 0, 0]);
  const mousePad = (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "mouse-pad");
  expect(mousePad).toMatchObject({ stock_level: 49, reserved: 0 });
  const initialStock = new Map([["test-session", new Map(defaultCatalog.map((p) => [p.id, p.stock_level]))]]);
  expect(t.checkConsistency({ initialStock, settled: true })).toEqual({ consistent: true, violations: [] });
});

test("a saga the reset cut short in flight keeps its rows until it is over; the next reset drops them", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("POST", "/orders", { body: { ...fiveMousePads, skipDemoDelays: false } });
  t.clock.advance(t.deps.config.inventoryDelayMs);
  t.relay.runDue(); // stock held, charge waiting
  await t.request("POST", "/orders/reset");
  expect(count(t, "reservations")).toBe(1);
  t.settle(); // the compensation: stock handed back, charge voided
  expect(t.checkConsistency({ settled: true })).toEqual({ consistent: true, violations: [] });
  await t.request("POST", "/orders/reset");
  expect([count(t, "reservations"), count(t, "payments"), count(t, "notifications")]).toEqual([0, 0, 0]);
});
