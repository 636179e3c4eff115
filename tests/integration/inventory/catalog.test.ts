import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

describe("the catalog", () => {
  test("seeding loads the default catalog: 7 products, 235 units, sorted by name", async () => {
    const t = createTestApp();
    const seeded = await t.request("POST", "/inventory/seed");
    expect(seeded.status).toBe(200);
    expect(seeded.body.message).toBe("Inventory seeded successfully");
    const listed = (await t.request("GET", "/inventory")).body;
    expect(listed).toEqual(seeded.body.products);
    expect(listed.map((p: { name: string }) => p.name)).toEqual([
      "4K Monitor",
      "Gaming Laptop",
      "Mechanical Keyboard",
      "Mouse Pad",
      "USB-C Hub",
      "Wireless Headset",
      "Wireless Mouse",
    ]);
    expect(listed[1]).toEqual({
      id: "laptop",
      name: "Gaming Laptop",
      price_cents: 129999,
      stock_level: 5,
      reserved: 0,
      available: 5,
      reservationStatus: "NO_RESERVATIONS",
      version: 1,
      created_at: "2026-01-01T00:00:00.000Z",
      updated_at: "2026-01-01T00:00:00.000Z",
    });
    expect((await t.request("GET", "/inventory/stats")).body).toEqual({
      products: { total_products: 7, total_stock: 235, total_reserved: 0, total_available: 235 },
      reservations: { pending_reservations: 0, confirmed_reservations: 0, released_reservations: 0, total_reservations: 0 },
    });
  });

  test("a new session has an empty inventory and zeroed stats", async () => {
    const t = createTestApp();
    expect((await t.request("GET", "/inventory")).body).toEqual([]);
    expect((await t.request("GET", "/inventory/stats")).body.products).toEqual({
      total_products: 0,
      total_stock: 0,
      total_reserved: 0,
      total_available: 0,
    });
  });

  test("a custom catalog replaces the default one for this session only", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const custom = { products: [{ id: "widget", name: "Widget", stock_level: 10, price_cents: 150 }] };
    const res = await t.request("POST", "/inventory/seed", { body: custom });
    expect(res.body.products.map((p: { id: string }) => p.id)).toEqual(["widget"]);
    expect((await t.request("GET", "/inventory", { session: "other" })).body).toEqual([]);
  });

  test.each([
    ["an empty list", { products: [] }],
    [
      "a duplicate id",
      {
        products: [
          { id: "a", name: "A", stock_level: 1, price_cents: 1 },
          { id: "a", name: "B", stock_level: 1, price_cents: 1 },
        ],
      },
    ],
    ["a negative stock level", { products: [{ id: "a", name: "A", stock_level: -1, price_cents: 1 }] }],
    ["a fractional price", { products: [{ id: "a", name: "A", stock_level: 1, price_cents: 1.5 }] }],
    ["an id with a space", { products: [{ id: "a b", name: "A", stock_level: 1, price_cents: 1 }] }],
    ["a blank name", { products: [{ id: "a", name: "  ", stock_level: 1, price_cents: 1 }] }],
  ])("a custom catalog with %s is refused and nothing is written", async (_, body) => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const before = (await t.request("GET", "/inventory")).body;
    const res = await t.request("POST", "/inventory/seed", { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect((await t.request("GET", "/inventory")).body).toEqual(before);
  });

  test("seeding again restores stock levels and keeps stock held for orders in flight", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 7 }] } });
    t.relay.runDue();
    const mouse = (await t.request("POST", "/inventory/seed")).body.products.find((p: { id: string }) => p.id === "mouse");
    expect(mouse).toMatchObject({ stock_level: 67, reserved: 7, available: 60, version: 3 });
  });

  test("a seed that would strand reserved stock is refused with 409 and writes nothing", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 4 }] } });
    t.relay.runDue();
    const before = countAllRows(t.deps.db);
    const res = await t.request("POST", "/inventory/seed", {
      body: { products: [{ id: "laptop", name: "Laptop", stock_level: 3, price_cents: 1 }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("INVALID_STATE");
    expect(res.body.error).toContain("laptop");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("reset drops reservations and reloads the default catalog", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", {
      body: { products: [{ id: "widget", name: "Widget", stock_level: 10, price_cents: 150 }] },
    });
    await t.request("POST", "/orders", { body: { items: [{ product: "widget", quantity: 2 }], skipDemoDelays: true } });
    t.settle();
    const res = await t.request("POST", "/inventory/reset");
    expect(res.body.message).toBe("Inventory reset successfully");
    expect(res.body.products).toHaveLength(7);
    expect((await t.request("GET", "/inventory/stats")).body.reservations.total_reservations).toBe(0);
  });

  test("an inventory reset in the middle of a saga refunds the payment and cancels the order", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    t.relay.runDue();
    await t.request("POST", "/inventory/reset");
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}`)).body).toMatchObject({ status: "CANCELLED", cancellationSource: "operator" });
    expect((await t.request("GET", "/payments")).body[0]).toMatchObject({ status: "REFUNDED" });
    expect((await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "mouse")).toMatchObject({
      stock_level: 67,
      reserved: 0,
    });
  });
});
