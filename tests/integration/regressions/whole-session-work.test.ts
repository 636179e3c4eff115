import { describe, expect, test } from "bun:test";
import { AUDIT_SLICE } from "../../../src/consistency/invariants";
import { RESET_SLICE as INVENTORY_RESET_SLICE } from "../../../src/modules/inventory/inventory.catalog";
import { RESET_SLICE as ORDERS_RESET_SLICE } from "../../../src/modules/orders/orders.commands";
import { WIPE_SLICE } from "../../../src/sessions/session-wipe";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by attacking the server: on a 30,000-order session `GET /consistency` held the event
 * loop for 854 ms, `POST /orders/reset` for 1.3 s and `POST /inventory/reset` for 0.7 s, and
 * every other session waited. Work that grows with a session now runs in slices and gives way
 * between them: another session's request answers while it runs. (How long a slice takes is
 * measured by `bun tests/bench/whole-session.ts`, not here.)
 */
const BIG = "big-session";
const ORDERS = Math.max(AUDIT_SLICE, ORDERS_RESET_SLICE, INVENTORY_RESET_SLICE) + 100;
const BIG_CATALOG = Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, name: `Product ${i}`, stock_level: 1_000_000, price_cents: 100 }));

/** A session of ORDERS orders of 4 lines: the first half finished, the second half holding stock while its payment waits. */
async function bigSession(): Promise<TestApp> {
  const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 0 } });
  await t.request("POST", "/inventory/seed", { session: BIG, body: { products: BIG_CATALOG } });
  for (let i = 0; i < ORDERS; i += 1) {
    if (i === ORDERS / 2) {
      t.settle(t.clock.now() + 60_000);
      await t.request("PATCH", "/settings", { session: BIG, body: { paymentDelayMs: 60_000 } });
    }
    const items = Array.from({ length: 4 }, (_, line) => ({ product: `p${(i + line) % 10}`, quantity: 1 }));
    await t.request("POST", "/orders", { session: BIG, body: { items, paymentBehaviour: i % 5 === 0 ? "failure" : "success" } });
  }
  t.settle(t.clock.now() + 1_000);
  return t;
}

/** Starts `big`, then a small request of another session; answers which finished first. */
async function finishingOrder(t: TestApp, big: () => Promise<unknown>): Promise<string[]> {
  const finished: string[] = [];
  const bigDone = big().then(() => finished.push("big"));
  await t.request("GET", "/orders", { session: "someone-else" }).then(() => finished.push("small"));
  await bigDone;
  return finished;
}

describe("whole-session work gives way to other sessions", () => {
  test("GET /consistency of a big session: another session answers first, and the report is whole", async () => {
    const t = await bigSession();
    // Damage in the last slice of orders: a finished order made PROCESSING again, with nothing to move it on.
    const last = t.deps.db.$client.query("SELECT id FROM orders WHERE session_id = ? ORDER BY id DESC LIMIT 1").get(BIG) as { id: string };
    let report: { consistent: boolean; violations: { invariant: string; subject: string }[] } | undefined;
    t.deps.db.$client.run("UPDATE orders SET status = 'PROCESSING', cancellation_requested_by = NULL WHERE session_id = ? AND id = ?", [
      BIG,
      last.id,
    ]);
    t.deps.db.$client.run("DELETE FROM deliveries WHERE session_id = ?", [BIG]);
    t.deps.db.$client.run("UPDATE relay_cursor SET last_seq = (SELECT max(seq) FROM events)");
    const order = await finishingOrder(t, async () => {
      report = (await t.request("GET", "/consistency", { session: BIG })).body;
    });
    expect(order).toEqual(["small", "big"]);
    expect(report?.violations.filter((v) => v.invariant === "order_settles").map((v) => v.subject)).toContain(last.id);
    // The route and the all-at-once check agree.
    expect(report).toEqual(t.checkConsistency({ sessionId: BIG }));
  });

  test("POST /orders/reset of a big session: another session answers first; every saga holding something is compensated", async () => {
    const t = await bigSession();
    expect(await finishingOrder(t, () => t.request("POST", "/orders/reset", { session: BIG }))).toEqual(["small", "big"]);
    t.settle();
    expect((await t.request("GET", "/orders", { session: BIG })).body).toEqual([]);
    const products = (await t.request("GET", "/inventory", { session: BIG })).body as { reserved: number }[];
    expect(products.every((p) => p.reserved === 0)).toBe(true);
    const payments = (await t.request("GET", "/payments?limit=1000", { session: BIG })).body as { status: string }[];
    // Every charge of a saga in flight was refunded or voided; a completed sale's payment went with its order.
    expect(payments.filter((p) => p.status === "PENDING" || p.status === "SUCCESS")).toEqual([]);
    expect(t.checkConsistency({ sessionId: BIG, settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("an order placed while an orders reset runs is kept", async () => {
    const t = await bigSession();
    const reset = t.request("POST", "/orders/reset", { session: BIG });
    const placed = await t.request("POST", "/orders", { session: BIG, body: { items: [{ product: "p1", quantity: 1 }] } });
    await reset;
    const left = (await t.request("GET", "/orders", { session: BIG })).body as { id: string }[];
    expect(left.map((o) => o.id)).toEqual([placed.body.id]);
  });

  test("POST /inventory/reset of a big session: another session answers first; the catalog matches what is reserved after every slice", async () => {
    const t = await bigSession();
    const finished: string[] = [];
    const reset = t.request("POST", "/inventory/reset", { session: BIG }).then((answer) => {
      finished.push("big");
      return answer;
    });
    await t.request("GET", "/orders", { session: "someone-else" }).then(() => finished.push("small"));
    const midway: string[] = [];
    for (let turn = 0; turn < 3; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      midway.push(...t.checkConsistency({ sessionId: BIG }).violations.map((v) => v.invariant));
    }
    expect(midway.filter((name) => name === "reserved_matches_pending" || name === "reserved_within_stock")).toEqual([]);
    expect((await reset).status).toBe(200);
    expect(finished).toEqual(["small", "big"]);
    const products = (await t.request("GET", "/inventory", { session: BIG })).body as { product_id: string; reserved: number }[];
    expect(products.map((p) => p.reserved)).toEqual(products.map(() => 0));
  });

  test("DELETE /session of a big session: another session answers first; every row is gone and counted", async () => {
    const t = await bigSession();
    const before = t.deps.db.$client.query("SELECT count(*) AS n FROM events WHERE session_id = ?").get(BIG) as { n: number };
    expect(ORDERS * 4).toBeGreaterThan(WIPE_SLICE); // the order lines take more than one slice
    let deleted: Record<string, number> = {};
    const order = await finishingOrder(t, async () => {
      deleted = (await t.request("DELETE", "/session", { session: BIG })).body.deleted;
    });
    expect(order).toEqual(["small", "big"]);
    expect(deleted.events).toBe(before.n);
    expect(deleted.orders).toBe(ORDERS);
    expect(deleted.order_items).toBe(ORDERS * 4);
    const left = t.deps.db.$client.query("SELECT count(*) AS n FROM events WHERE session_id = ?").get(BIG) as { n: number };
    expect(left.n).toBe(0);
  });
});
