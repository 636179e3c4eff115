import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/clock";
import { sequentialIds } from "../../../src/platform/ids";
import { createTestApp } from "../../support/test-app";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), "saga-crash-"));
  dirs.push(dir);
  return join(dir, "saga.sqlite");
}

test("events committed but not delivered are delivered by a new app on the same database file", async () => {
  const databasePath = tempDatabase();
  const clock = new ManualClock();
  const config = { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 };
  const before = createTestApp({ databasePath, clock, config });
  await before.request("POST", "/inventory/seed");
  const bodies = [
    { items: [{ product: "mouse-pad", quantity: 5 }] },
    { items: [{ product: "laptop", quantity: 999 }] },
    { items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure" },
    { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
  ];
  const ids: string[] = [];
  for (const body of bodies) ids.push((await before.request("POST", "/orders", { body })).body.id);
  // Part-way: inventory has acted on some orders, payment on none.
  clock.advance(3_000);
  before.relay.runDue(2);
  expect(before.relay.pendingCount()).toBeGreaterThan(0);
  // The process dies: nothing is closed or flushed by hand.

  // A new process: its ids must not collide with the ones the first one handed out.
  const after = createTestApp({ databasePath, clock, config, ids: sequentialIds(1_000) });
  after.settle();
  expect(after.relayFailures).toEqual([]);
  const statuses = await Promise.all(ids.map(async (id) => (await after.request("GET", `/orders/${id}`)).body));
  expect(statuses.map((o) => [o.status, o.cancellationSource])).toEqual([
    ["COMPLETED", null],
    ["CANCELLED", "inventory_depleted"],
    ["CANCELLED", "payment_failed"],
    ["COMPLETED", null],
  ]);
  const stock = Object.fromEntries(
    (await after.request("GET", "/inventory")).body.map((p: { id: string; stock_level: number; reserved: number }) => [
      p.id,
      [p.stock_level, p.reserved],
    ]),
  );
  expect(stock).toMatchObject({ "mouse-pad": [49, 0], laptop: [5, 0], monitor: [15, 0], mouse: [66, 0] });
  expect(after.relay.pendingCount()).toBe(0);
  after.deps.db.$client.close();
  before.deps.db.$client.close();
});

test("a started relay delivers overdue events at once after a restart", async () => {
  const databasePath = tempDatabase();
  const before = createTestApp({ databasePath });
  await before.request("POST", "/inventory/seed");
  const { body: placed } = await before.request("POST", "/orders", {
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
  });

  const after = createTestApp({ databasePath, clock: before.clock, ids: sequentialIds(1_000) });
  after.relay.start();
  const settled = await after.request("GET", `/orders/${placed.id}?wait=5000`);
  after.relay.stop();
  expect(settled.body.status).toBe("COMPLETED");
  after.deps.db.$client.close();
  before.deps.db.$client.close();
});
