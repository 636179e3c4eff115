import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

describe("hardening for a public demo (found by attacking the server)", () => {
  test("GET /assets/<a prototype property> is a 404, never a 500", async () => {
    const t = createTestApp();
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "sampleValue"]) {
      const answer = await t.request("GET", `/assets/${name}`, { session: null });
      expect([name, answer.status, answer.body.code]).toEqual([name, 404, "NOT_FOUND"]);
    }
  });

  test("a CORS preflight reflects the headers the browser asks for (Authorization included), and never allows credentials", async () => {
    const t = createTestApp();
    const preflight = await t.request("OPTIONS", "/orders", {
      session: null,
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-session-id, idempotency-key, authorization, x-request-id",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["content-type", "x-session-id", "idempotency-key", "authorization", "x-request-id"]));
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test("no order total can lose a cent: prices stop at 90,000,000 cents, so 100 lines × 1,000,000 units stay exact", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    const tooDear = await t.request("POST", "/inventory/seed", {
      body: { products: [{ id: "yacht", name: "Yacht", stock_level: 1, price_cents: 99_999_999 }] },
    });
    expect(tooDear.status).toBe(400);
    expect(tooDear.body.details[0].path).toBe("products.0.price_cents");
    expect(countAllRows(t.deps.db)).toEqual(before);

    // The dearest order there can be: 100 products at the highest price, 999,999 units each.
    const products = Array.from({ length: 100 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, stock_level: 999_999, price_cents: 89_999_999 }));
    await t.request("POST", "/inventory/seed", { body: { products } });
    const order = await t.request("POST", "/orders", {
      body: { items: products.map((p) => ({ product: p.id, quantity: 999_999 })), skipDemoDelays: true },
    });
    t.settle();
    const exact = 100n * 999_999n * 89_999_999n;
    expect(BigInt((await t.request("GET", `/orders/${order.body.id}`)).body.totalCents)).toBe(exact);
    expect(exact <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const payment = ((await t.request("GET", "/payments")).body as { amount_cents: number }[])[0];
    expect(BigInt(payment?.amount_cents ?? 0)).toBe(exact);
  });
});
