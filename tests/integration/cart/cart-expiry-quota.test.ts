import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, type TestApp } from "../../support/test-app";

async function seeded(options: Parameters<typeof createTestApp>[0] = {}) {
  const t = createTestApp(options);
  await t.request("POST", "/inventory/seed");
  return t;
}

const abandoned = async (t: TestApp) => {
  const { text } = await t.request("GET", "/metrics", { session: null });
  return sampleValue(parsePrometheus(text), "carts_abandoned_total") ?? 0;
};

async function openCart(t: TestApp, session = "test-session") {
  const { body } = await t.request("POST", "/cart", { session });
  await t.request("PUT", `/cart/${body.id}/items`, { body: { product: "mouse-pad", quantity: 1 }, session });
  return body.id as string;
}

describe("a cart's expiry", () => {
  test("cartTtlMs after its last change, every route answers 404 CART_EXPIRED; counted abandoned once", async () => {
    const t = await seeded();
    await t.request("PATCH", "/settings", { body: { cartTtlMs: 60_000 } });
    const id = await openCart(t);
    t.clock.advance(59_999);
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(200);
    t.clock.advance(1);
    for (const [method, path, body] of [
      ["GET", `/cart/${id}`, undefined],
      ["PUT", `/cart/${id}/items`, { product: "mouse-pad", quantity: 2 }],
      ["DELETE", `/cart/${id}/items/mouse-pad`, undefined],
      ["POST", `/cart/${id}/checkout`, {}],
    ] as const) {
      const answer = await t.request(method, path, { body });
      expect([method, answer.status, answer.body.code]).toEqual([method, 404, "CART_EXPIRED"]);
    }
    expect(await abandoned(t)).toBe(1);
    expect((await t.request("GET", "/orders")).body).toEqual([]);
  });

  test("each change starts the expiry again", async () => {
    const t = await seeded();
    await t.request("PATCH", "/settings", { body: { cartTtlMs: 60_000 } });
    const id = await openCart(t);
    t.clock.advance(50_000);
    const { body } = await t.request("PUT", `/cart/${id}/items`, { body: { product: "mouse-pad", quantity: 3 } });
    expect(body.expiresAt).toBe(new Date(t.clock.now() + 60_000).toISOString());
    t.clock.advance(50_000);
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(200);
  });

  test.each([[999], [86_400_001], [1.5], ["60000"]])("PATCH /settings refuses cartTtlMs %p", async (cartTtlMs) => {
    const t = await seeded();
    const { status, body } = await t.request("PATCH", "/settings", { body: { cartTtlMs } });
    expect([status, body.code]).toEqual([400, "VALIDATION_FAILED"]);
  });
});

describe("quotas", () => {
  test("MAX_CARTS_PER_SESSION live carts, then 429 QUOTA_EXCEEDED and nothing written", async () => {
    const t = await seeded({ config: { maxCartsPerSession: 2 } });
    await openCart(t);
    await openCart(t);
    const before = countAllRows(t.deps.db);
    const { status, body } = await t.request("POST", "/cart");
    expect([status, body.code]).toEqual([429, "QUOTA_EXCEEDED"]);
    expect(countAllRows(t.deps.db)).toEqual(before);
    // Another session has its own quota.
    expect((await t.request("POST", "/cart", { session: "other" })).status).toBe(201);
  });

  test("expired carts make room: they go (each counted abandoned once) when the quota needs the room", async () => {
    const t = await seeded({ config: { maxCartsPerSession: 2 } });
    await t.request("PATCH", "/settings", { body: { cartTtlMs: 1_000 } });
    const first = await openCart(t);
    await openCart(t);
    t.clock.advance(1_000);
    // Found expired once: counted; the sweep below does not count it again.
    expect((await t.request("GET", `/cart/${first}`)).body.code).toBe("CART_EXPIRED");
    expect((await t.request("POST", "/cart")).status).toBe(201);
    expect(await abandoned(t)).toBe(2);
    expect((await t.request("GET", `/cart/${first}`)).body.code).toBe("NOT_FOUND");
  });

  test("a cart holds at most MAX_ORDER_LINES lines (so it can always be checked out): 400 past it, nothing written", async () => {
    const t = await seeded();
    const { body: cart } = await t.request("POST", "/cart");
    // 100 lines of products the catalog has: seed a catalog that large.
    for (let i = 0; i < 100; i += 1) {
      t.deps.db.$client.run(
        "INSERT INTO products (session_id, id, name, price_cents, stock_level, reserved, version, created_at, updated_at) VALUES (?, ?, ?, 100, 10, 0, 1, 0, 0)",
        ["test-session", `p-${i}`, `P ${i}`],
      );
    }
    for (let i = 0; i < 100; i += 1) {
      const answer = await t.request("PUT", `/cart/${cart.id}/items`, { body: { product: `p-${i}`, quantity: 1 } });
      expect(answer.status).toBe(200);
    }
    const before = countAllRows(t.deps.db);
    const over = await t.request("PUT", `/cart/${cart.id}/items`, { body: { product: "mouse-pad", quantity: 1 } });
    expect([over.status, over.body.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(countAllRows(t.deps.db)).toEqual(before);
    // A line already in the cart still changes.
    expect((await t.request("PUT", `/cart/${cart.id}/items`, { body: { product: "p-0", quantity: 2 } })).status).toBe(200);
  });
});

describe("tenancy", () => {
  test("another session's cart is not found", async () => {
    const t = await seeded();
    await t.request("POST", "/inventory/seed", { session: "other" });
    const id = await openCart(t);
    expect((await t.request("GET", `/cart/${id}`, { session: "other" })).status).toBe(404);
    expect((await t.request("POST", `/cart/${id}/checkout`, { session: "other", body: {} })).status).toBe(404);
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(200);
  });

  test("DELETE /session and POST /orders/reset drop the session's carts", async () => {
    const t = await seeded();
    const kept = await openCart(t, "other");
    const id = await openCart(t);
    await t.request("POST", "/orders/reset");
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(404);
    const again = await openCart(t);
    await t.request("DELETE", "/session");
    expect((await t.request("GET", `/cart/${again}`)).status).toBe(404);
    expect(t.deps.db.$client.query("SELECT count(*) AS n FROM carts WHERE session_id = 'test-session'").get()).toEqual({ n: 0 });
    expect((await t.request("GET", `/cart/${kept}`, { session: "other" })).status).toBe(200);
  });
});

describe("the cart's metrics", () => {
  test("cart_operations_total counts each change by operation, with no session label", async () => {
    const t = await seeded();
    const id = await openCart(t);
    await t.request("PUT", `/cart/${id}/items`, { body: { product: "keyboard", quantity: 1 } });
    await t.request("PUT", `/cart/${id}/items`, { body: { product: "keyboard", quantity: 0 } });
    await t.request("DELETE", `/cart/${id}/items/mouse-pad`);
    // Refused: counted nowhere.
    await t.request("PUT", `/cart/${id}/items`, { body: { product: "nothing-like-it", quantity: 1 } });
    const { text } = await t.request("GET", "/metrics", { session: null });
    const samples = parsePrometheus(text);
    expect(sampleValue(samples, "cart_operations_total", { operation: "created" })).toBe(1);
    expect(sampleValue(samples, "cart_operations_total", { operation: "item_set" })).toBe(2);
    expect(sampleValue(samples, "cart_operations_total", { operation: "item_removed" })).toBe(2);
    expect(text).not.toContain("test-session");
  });
});

test("a session whose only row is a cart counts in the sessions gauge, until wiped", async () => {
  const t = createTestApp();
  const sessions = async () => {
    const { text } = await t.request("GET", "/metrics", { session: null });
    return sampleValue(parsePrometheus(text), "sessions") ?? 0;
  };
  const before = await sessions();
  await t.request("POST", "/cart", { session: "only-a-cart" });
  expect(await sessions()).toBe(before + 1);
  await t.request("DELETE", "/session", { session: "only-a-cart" });
  expect(await sessions()).toBe(before);
});
