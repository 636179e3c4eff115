import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/** Follows `Link: <…>; rel="next"` from `path` to the end; answers every page's rows. */
async function allPages(t: TestApp, path: string) {
  const pages: { id: string }[][] = [];
  let next: string | null = path;
  while (next) {
    const answer = await t.request("GET", next);
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body)).toBe(true); // SWAP's clients read a bare array
    pages.push(answer.body);
    next = answer.headers.get("link")?.match(/^<([^>]+)>; rel="next"$/)?.[1] ?? null;
  }
  return pages;
}

describe("lists are paged: ?limit= (100 by default, 1,000 at most), the next page in a Link header", () => {
  test("GET /orders: 250 orders come in pages of 100, 100 and 50, newest first, none twice, none missing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const placed: string[] = [];
    for (let i = 0; i < 250; i += 1) {
      placed.push((await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } })).body.id);
      if (i % 100 === 0) t.clock.advance(1); // several orders share a createdAt: the id breaks the tie
    }
    const pages = await allPages(t, "/orders");
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat().map((o) => o.id)).toEqual([...placed].reverse());
  });

  test("a page of orders holds at most 10,000 lines, whatever the limit: 150 orders of 100 lines need two pages", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const items = Array.from({ length: 100 }, () => ({ product: "mouse", quantity: 1 }));
    for (let i = 0; i < 150; i += 1) await t.request("POST", "/orders", { body: { items } });
    const pages = await allPages(t, "/orders?limit=1000");
    expect(pages.map((p) => p.length)).toEqual([100, 50]);
  });

  test("GET /payments and GET /inventory page the same way", async () => {
    const t = createTestApp();
    const products = Array.from({ length: 250 }, (_, i) => ({
      id: `p${String(i).padStart(3, "0")}`,
      name: `Product ${i % 7}`,
      stock_level: 5,
      price_cents: 100,
    }));
    await t.request("POST", "/inventory/seed", { body: { products } });
    const inventory = await allPages(t, "/inventory");
    expect(inventory.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(new Set(inventory.flat().map((p) => p.id)).size).toBe(250);
    for (let i = 0; i < 120; i += 1) {
      await t.request("POST", "/orders", { body: { items: [{ product: products[i]!.id, quantity: 1 }], skipDemoDelays: true } });
    }
    t.settle(t.clock.now() + 60_000);
    const payments = await allPages(t, "/payments");
    expect(payments.map((p) => p.length)).toEqual([100, 20]);
    expect(new Set(payments.flat().map((p) => p.id)).size).toBe(120);
  });

  test("a limit out of range or a cursor this list never gave is a 400; a cursor in another session shows only that session's rows", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    for (const query of ["limit=0", "limit=1001", "cursor=not-a-cursor", `cursor=${Buffer.from('["x"]').toString("base64url")}`]) {
      for (const list of ["/orders", "/payments", "/inventory"]) {
        const answer = await t.request("GET", `${list}?${query}`);
        expect([list, query, answer.status, answer.body.code]).toEqual([list, query, 400, "VALIDATION_FAILED"]);
      }
    }
    for (let i = 0; i < 3; i += 1) await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    const link = (await t.request("GET", "/orders?limit=1")).headers.get("link")!;
    const theirs = await t.request("GET", link.slice(1, link.indexOf(">")), { session: "other" });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual([]);
  });
});
