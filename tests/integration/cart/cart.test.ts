import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, type TestApp } from "../../support/test-app";

async function seeded(options: Parameters<typeof createTestApp>[0] = {}) {
  const t = createTestApp(options);
  await t.request("POST", "/inventory/seed");
  return t;
}

async function cartWith(t: TestApp, lines: { product: string; quantity: number }[], session = "test-session") {
  const { body: cart } = await t.request("POST", "/cart", { session });
  for (const line of lines) await t.request("PUT", `/cart/${cart.id}/items`, { body: line, session });
  return cart.id as string;
}

async function metric(t: TestApp, name: string, labels: Record<string, string> = {}) {
  const { text } = await t.request("GET", "/metrics", { session: null });
  return sampleValue(parsePrometheus(text), name, labels) ?? 0;
}

const prices = async (t: TestApp) => {
  const { body } = await t.request("GET", "/inventory");
  return new Map((body as { id: string; price_cents: number }[]).map((p) => [p.id, p.price_cents]));
};

describe("a cart", () => {
  test("opened empty (201), with the contract's fields", async () => {
    const t = await seeded();
    const { status, body } = await t.request("POST", "/cart");
    expect(status).toBe(201);
    expect(body).toMatchObject({ items: [], totalCents: 0 });
    expect(typeof body.id).toBe("string");
    expect(body.expiresAt).toBe(new Date(t.clock.now() + 1_800_000).toISOString());
  });

  test("lines set, changed, removed; each priced from the catalog and totalled", async () => {
    const t = await seeded();
    const price = await prices(t);
    const [first, second] = [...price.keys()] as [string, string];
    const id = await cartWith(t, [
      { product: first, quantity: 2 },
      { product: second, quantity: 1 },
    ]);
    let { body } = await t.request("GET", `/cart/${id}`);
    expect(body.items).toEqual([
      { product: first, quantity: 2, unitPriceCents: price.get(first), lineCents: 2 * (price.get(first) ?? 0) },
      { product: second, quantity: 1, unitPriceCents: price.get(second), lineCents: price.get(second) },
    ]);
    expect(body.totalCents).toBe(2 * (price.get(first) ?? 0) + (price.get(second) ?? 0));
    ({ body } = await t.request("PUT", `/cart/${id}/items`, { body: { product: first, quantity: 5 } }));
    expect(body.items[0]).toMatchObject({ product: first, quantity: 5 });
    ({ body } = await t.request("PUT", `/cart/${id}/items`, { body: { product: second, quantity: 0 } }));
    expect(body.items.map((item: { product: string }) => item.product)).toEqual([first]);
    const removed = await t.request("DELETE", `/cart/${id}/items/${first}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ items: [], totalCents: 0 });
  });

  test("removing a product not in the cart: 404 with a code, nothing written", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const before = countAllRows(t.deps.db);
    const { status, body } = await t.request("DELETE", `/cart/${id}/items/keyboard`);
    expect(status).toBe(404);
    expect(body.code).toBe("NOT_FOUND");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("a product the catalog lacks: 422 UNKNOWN_PRODUCT, nothing written", async () => {
    const t = await seeded();
    const id = await cartWith(t, []);
    const before = countAllRows(t.deps.db);
    const { status, body } = await t.request("PUT", `/cart/${id}/items`, { body: { product: "no-such-thing", quantity: 1 } });
    expect(status).toBe(422);
    expect(body.code).toBe("UNKNOWN_PRODUCT");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test.each([
    [{ product: "mouse-pad" }],
    [{ product: "mouse-pad", quantity: -1 }],
    [{ product: "mouse-pad", quantity: 1.5 }],
    [{ product: "mouse-pad", quantity: 1_000_001 }],
    [{ product: "", quantity: 1 }],
    [{ quantity: 1 }],
    [[1, 2]],
  ])("a bad line %j: 400 VALIDATION_FAILED, nothing written", async (line) => {
    const t = await seeded();
    const id = await cartWith(t, []);
    const before = countAllRows(t.deps.db);
    const { status, body } = await t.request("PUT", `/cart/${id}/items`, { body: line });
    expect(status).toBe(400);
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("an unknown cart: 404 NOT_FOUND on every route", async () => {
    const t = await seeded();
    for (const [method, path, body] of [
      ["GET", "/cart/nope", undefined],
      ["PUT", "/cart/nope/items", { product: "mouse-pad", quantity: 1 }],
      ["DELETE", "/cart/nope/items/mouse-pad", undefined],
      ["POST", "/cart/nope/checkout", {}],
    ] as const) {
      const answer = await t.request(method, path, { body });
      expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 404, "NOT_FOUND"]);
    }
  });

  test("a cart reserves nothing: inventory never hears of it", async () => {
    const t = await seeded();
    const before = await t.request("GET", "/inventory");
    await cartWith(t, [{ product: "mouse-pad", quantity: 7 }]);
    expect((await t.request("GET", "/inventory")).body).toEqual(before.body);
    expect((await t.request("GET", "/events")).body).toEqual([]);
  });
});

describe("checkout", () => {
  test("places the order POST /orders would, its saga completes, and the cart is gone", async () => {
    const t = await seeded();
    const id = await cartWith(t, [
      { product: "mouse-pad", quantity: 2 },
      { product: "keyboard", quantity: 1 },
    ]);
    const { status, body: order } = await t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true } });
    expect(status).toBe(200);
    expect(order).toMatchObject({
      status: "PENDING",
      items: [
        { product: "mouse-pad", quantity: 2 },
        { product: "keyboard", quantity: 1 },
      ],
      paymentBehaviour: "success",
      skipDemoDelays: true,
    });
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(404);
    t.settle();
    const settled = await t.request("GET", `/orders/${order.id}`);
    expect(settled.body.status).toBe("COMPLETED");
    expect(await metric(t, "cart_operations_total", { operation: "checked_out" })).toBe(1);
  });

  test("the order's behaviours come from the body, as POST /orders reads them", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const { body: order } = await t.request("POST", `/cart/${id}/checkout`, {
      body: { paymentBehaviour: "failure", skipDemoDelays: true, userId: "u-1" },
    });
    expect(order).toMatchObject({ paymentBehaviour: "failure", userId: "u-1" });
    t.settle();
    expect((await t.request("GET", `/orders/${order.id}`)).body).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "payment_failed",
    });
  });

  test("a bad behaviour: 400, the cart kept, no order", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const { status, body } = await t.request("POST", `/cart/${id}/checkout`, { body: { paymentBehaviour: "maybe" } });
    expect([status, body.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(200);
    expect((await t.request("GET", "/orders")).body).toEqual([]);
  });

  test("an empty cart cannot be checked out: 409 INVALID_STATE, nothing written", async () => {
    const t = await seeded();
    const id = await cartWith(t, []);
    const before = countAllRows(t.deps.db);
    const { status, body } = await t.request("POST", `/cart/${id}/checkout`, { body: {} });
    expect([status, body.code]).toEqual([409, "INVALID_STATE"]);
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("an rpc-style checkout answers the order once its chain has ended, and the cart is gone", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const { status, body: order } = await t.request("POST", `/cart/${id}/checkout`, { body: { sagaStyle: "rpc", skipDemoDelays: true } });
    expect(status).toBe(200);
    expect(order.sagaStyle).toBe("rpc");
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(404);
  });

  test("an order refused (the orders quota) keeps the cart: both or neither", async () => {
    const t = await seeded({ config: { maxOrdersPerSession: 1 } });
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true } });
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const { status, body } = await t.request("POST", `/cart/${id}/checkout`, { body: {} });
    expect([status, body.code]).toEqual([429, "QUOTA_EXCEEDED"]);
    expect((await t.request("GET", `/cart/${id}`)).body.items).toEqual([
      { product: "mouse-pad", quantity: 1, unitPriceCents: 2499, lineCents: 2499 },
    ]);
  });
});

describe("checkout with an Idempotency-Key", () => {
  test("retried: the same order again (Idempotent-Replayed), although the cart is gone; one order", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 3 }]);
    const headers = { "idempotency-key": "checkout-1" };
    const first = await t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true }, headers });
    const again = await t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true }, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await t.request("GET", "/orders")).body).toHaveLength(1);
    expect(await metric(t, "cart_operations_total", { operation: "checked_out" })).toBe(1);
  });

  test("the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, as POST /orders answers", async () => {
    const t = await seeded();
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 3 }]);
    const headers = { "idempotency-key": "checkout-2" };
    await t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true }, headers });
    const other = await t.request("POST", `/cart/${id}/checkout`, { body: { paymentBehaviour: "failure" }, headers });
    expect([other.status, other.body.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
  });

  test("a key already used by POST /orders: 422 for the checkout, the cart kept", async () => {
    const t = await seeded();
    const headers = { "idempotency-key": "shared" };
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 1 }] }, headers });
    const id = await cartWith(t, [{ product: "mouse-pad", quantity: 1 }]);
    const answer = await t.request("POST", `/cart/${id}/checkout`, { body: {}, headers });
    expect([answer.status, answer.body.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    expect((await t.request("GET", `/cart/${id}`)).status).toBe(200);
  });
});
