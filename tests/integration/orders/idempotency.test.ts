import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

const fivePads = { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true };
const withKey = (key: string, body: unknown = fivePads, session?: string) => ({ body, headers: { "idempotency-key": key }, session });

describe("Idempotency-Key on POST /orders", () => {
  test("the same key and body answer the first order again, marked replayed, and create nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const first = await t.request("POST", "/orders", withKey("checkout-42"));
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    t.settle();
    const before = countAllRows(t.deps.db);
    // Same body, keys in another order: the same request.
    const again = await t.request("POST", "/orders", withKey("checkout-42", { skipDemoDelays: true, items: fivePads.items }));
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.status).toBe("COMPLETED"); // the order as it is now
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("GET", "/payments")).body).toHaveLength(1);
  });

  test("the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and writes nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", withKey("k1"));
    const before = countAllRows(t.deps.db);
    const reused = await t.request("POST", "/orders", withKey("k1", { ...fivePads, items: [{ product: "mouse-pad", quantity: 6 }] }));
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({ error: expect.any(String), code: "IDEMPOTENCY_KEY_REUSED" });
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("concurrent requests with one key create one order and one payment", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.request("POST", "/orders", withKey("double-click"))));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    t.settle();
    expect((await t.request("GET", "/orders")).body).toHaveLength(1);
    expect((await t.request("GET", "/payments")).body).toHaveLength(1);
  });

  test("keys are per session, expire after 24 h, and go with an orders reset; without a key every request is an order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/inventory/seed", { session: "other" });
    const mine = (await t.request("POST", "/orders", withKey("same"))).body.id;
    const theirs = (await t.request("POST", "/orders", withKey("same", fivePads, "other"))).body.id;
    expect(theirs).not.toBe(mine);

    t.clock.advance(24 * 60 * 60 * 1000 - 1);
    expect((await t.request("POST", "/orders", withKey("same"))).body.id).toBe(mine);
    t.clock.advance(2);
    const afterExpiry = await t.request("POST", "/orders", withKey("same", { ...fivePads, items: [{ product: "mouse", quantity: 1 }] }));
    expect(afterExpiry.status).toBe(200);
    expect(afterExpiry.body.id).not.toBe(mine);

    await t.request("POST", "/orders/reset");
    const afterReset = await t.request("POST", "/orders", withKey("same"));
    expect(afterReset.headers.get("idempotent-replayed")).toBeNull();

    const a = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    const b = (await t.request("POST", "/orders", { body: fivePads })).body.id;
    expect(a).not.toBe(b);
  });

  test("a key that is not 1–255 printable ASCII characters is a 400 that writes nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const before = countAllRows(t.deps.db);
    for (const key of ["x".repeat(256), "naïve", "tab\there"]) {
      const answer = await t.request("POST", "/orders", withKey(key));
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("VALIDATION_FAILED");
      expect(answer.body.details[0].path).toBe("idempotency-key");
    }
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("POST", "/orders", withKey("x".repeat(255)))).status).toBe(200);
  });
});
