import { describe, expect, test } from "bun:test";
import { defaultCatalog } from "../../src/modules/inventory/catalog";
import { createTestApp } from "../support/test-app";

/** The checker must see each kind of damage; otherwise a green model test would prove nothing. */
async function settledShop() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const completed = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 2 }], skipDemoDelays: true } }))
    .body.id as string;
  const failed = (
    await t.request("POST", "/orders", {
      body: { items: [{ product: "laptop", quantity: 1 }], paymentBehaviour: "failure", skipDemoDelays: true },
    })
  ).body.id as string;
  const depleted = (await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 99 }], skipDemoDelays: true } }))
    .body.id as string;
  t.settle();
  const sql = (statement: string, ...params: (string | number)[]) => t.deps.db.$client.query(statement).run(...params);
  const initialStock = new Map([["test-session", new Map(defaultCatalog.map((p) => [p.id, p.stock_level]))]]);
  const invariantsBroken = () => t.checkConsistency({ initialStock, settled: true }).violations.map((v) => `${v.invariant} ${v.subject}`);
  return { t, completed, failed, depleted, sql, invariantsBroken };
}

describe("checkInvariants", () => {
  test("a settled, healthy shop is consistent, and so is the route's answer", async () => {
    const { t, invariantsBroken } = await settledShop();
    expect(invariantsBroken()).toEqual([]);
    expect((await t.request("GET", "/consistency")).body).toEqual({ consistent: true, violations: [] });
  });

  test("stock that vanished or appeared breaks conservation", async () => {
    const { sql, invariantsBroken } = await settledShop();
    sql("UPDATE products SET stock_level = stock_level - 1 WHERE id = 'keyboard'");
    expect(invariantsBroken()).toEqual(["stock_conserved keyboard"]);
  });

  test("reserved units without a PENDING reservation are caught", async () => {
    const { sql, invariantsBroken } = await settledShop();
    sql("UPDATE products SET reserved = 3 WHERE id = 'monitor'");
    expect(invariantsBroken()).toEqual(["reserved_matches_pending monitor"]);
  });

  test("a completed order without its confirmed stock, and a cancelled one that kept the money, are caught", async () => {
    const { sql, completed, failed, invariantsBroken } = await settledShop();
    sql("UPDATE reservations SET status = 'RELEASED' WHERE order_id = ?", completed);
    sql("UPDATE payments SET status = 'SUCCESS' WHERE order_id = ?", failed);
    expect(invariantsBroken().sort()).toEqual(
      [
        `cancelled_holds_nothing ${failed}`,
        `completed_pairing ${completed}`,
        `completed_pairing ${failed}`,
        "stock_conserved mouse",
      ].sort(),
    );
  });

  test("an order left unfinished, or holding a reservation after it finished, is caught", async () => {
    const { t, sql, completed, failed, invariantsBroken } = await settledShop();
    sql("UPDATE orders SET status = 'PROCESSING' WHERE id = ?", completed);
    sql("UPDATE reservations SET status = 'PENDING' WHERE order_id = ?", failed);
    sql("UPDATE products SET reserved = 1 WHERE id = 'laptop'");
    expect(invariantsBroken().sort()).toEqual(
      [`cancelled_holds_nothing ${failed}`, `finished_holds_nothing ${failed}`, `order_settles ${completed}`].sort(),
    );
    // Not settled: the route flags the stuck order too, because nothing is scheduled to move it.
    const route = await t.request("GET", "/consistency");
    expect(route.body.consistent).toBe(false);
    expect(route.body.violations.map((v: { invariant: string }) => v.invariant)).toContain("order_settles");
  });

  test("an order cancelled as inventory_depleted that had stock reserved is caught", async () => {
    const { sql, depleted, completed, invariantsBroken } = await settledShop();
    sql("UPDATE orders SET cancellation_source = 'inventory_depleted', status = 'CANCELLED' WHERE id = ?", completed);
    expect(invariantsBroken()).toContain(`depleted_never_reserved ${completed}`);
    expect(invariantsBroken()).not.toContain(`depleted_never_reserved ${depleted}`);
  });

  test("stock held for an order that no longer exists is caught", async () => {
    const { sql, completed, invariantsBroken } = await settledShop();
    sql("DELETE FROM orders WHERE id = ?", completed);
    sql("UPDATE reservations SET status = 'PENDING' WHERE order_id = ?", completed);
    sql("UPDATE products SET reserved = 2, stock_level = stock_level + 2 WHERE id = 'mouse'");
    // Deleted by hand, not reset: its ORDER_CREATED is still on the bus, an event whose order does not exist.
    expect(invariantsBroken()).toEqual([`no_orphan_events ${completed}`, `nothing_held_for_missing_order ${completed}`]);
  });
});

describe("checkInvariants: the shipment step", () => {
  async function shippedShop() {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { shipmentStep: true } });
    const place = async (body: Record<string, unknown>) =>
      (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true, ...body } })).body
        .id as string;
    const shipped = await place({});
    const notShipped = await place({ shippingBehaviour: "failure" });
    await t.request("PATCH", "/settings", { body: { shipmentStep: false } });
    const withoutStep = await place({});
    t.settle();
    const sql = (statement: string, ...params: (string | number)[]) => t.deps.db.$client.query(statement).run(...params);
    const invariantsBroken = () => t.checkConsistency({ settled: true }).violations.map((v) => `${v.invariant} ${v.subject}`);
    return { t, shipped, notShipped, withoutStep, sql, invariantsBroken };
  }

  test("a shop with shipped, failed and unshipped orders is consistent", async () => {
    const { invariantsBroken } = await shippedShop();
    expect(invariantsBroken()).toEqual([]);
  });

  test("a sale with the step that was never shipped, a cancelled order whose parcel is still on its way, and a shipment of an order without the step are caught", async () => {
    const { sql, shipped, notShipped, withoutStep, invariantsBroken } = await shippedShop();
    sql("UPDATE shipments SET status = 'CANCELLED' WHERE order_id = ?", shipped);
    sql("UPDATE shipments SET status = 'CREATED' WHERE order_id = ?", notShipped);
    sql(
      "INSERT INTO shipments (id, session_id, order_id, status, reason, created_at, updated_at) VALUES ('shp_x', 'test-session', ?, 'CREATED', NULL, 0, 0)",
      withoutStep,
    );
    expect(invariantsBroken().sort()).toEqual(
      [`shipment_pairing ${shipped}`, `shipment_pairing ${notShipped}`, `shipment_pairing ${withoutStep}`].sort(),
    );
  });
});
