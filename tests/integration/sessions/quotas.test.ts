import { expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

const one = { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true };

test("past its orders quota a session gets 429 QUOTA_EXCEEDED and nothing is written; other sessions are not counted; a reset frees it", async () => {
  const t = createTestApp({ config: { maxOrdersPerSession: 3 } });
  await t.request("POST", "/inventory/seed");
  await t.request("POST", "/inventory/seed", { session: "other" });
  for (let i = 0; i < 3; i += 1) expect((await t.request("POST", "/orders", { body: one })).status).toBe(200);
  const before = countAllRows(t.deps.db);
  const refused = await t.request("POST", "/orders", { body: one });
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual({ error: expect.stringContaining("quota (3)"), code: "QUOTA_EXCEEDED" });
  expect(countAllRows(t.deps.db)).toEqual(before);
  expect((await t.request("POST", "/orders", { body: one, session: "other" })).status).toBe(200);
  await t.request("POST", "/orders/reset");
  expect((await t.request("POST", "/orders", { body: one })).status).toBe(200);
  await t.request("DELETE", "/session");
  await t.request("POST", "/inventory/seed");
  for (let i = 0; i < 3; i += 1) expect((await t.request("POST", "/orders", { body: one })).status).toBe(200);
});

test("concurrent orders count each other: of 8 at once with room for 3, exactly 3 are placed", async () => {
  const t = createTestApp({ config: { maxOrdersPerSession: 3 } });
  await t.request("POST", "/inventory/seed");
  const answers = await Promise.all(Array.from({ length: 8 }, () => t.request("POST", "/orders", { body: one })));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
  expect((await t.request("GET", "/orders")).body).toHaveLength(3);
});

test("the order-lines quota bounds a session's size whatever its orders hold", async () => {
  const t = createTestApp({ config: { maxOrderLinesPerSession: 5 } });
  await t.request("POST", "/inventory/seed");
  const threeLines = { items: [1, 2, 3].map(() => ({ product: "mouse", quantity: 1 })), skipDemoDelays: true };
  expect((await t.request("POST", "/orders", { body: threeLines })).status).toBe(200);
  const refused = await t.request("POST", "/orders", { body: threeLines });
  expect(refused.status).toBe(429);
  expect(refused.body.code).toBe("QUOTA_EXCEEDED");
  expect((await t.request("POST", "/orders", { body: { ...threeLines, items: threeLines.items.slice(0, 2) } })).status).toBe(200);
});
