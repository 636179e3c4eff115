import { expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

test("POST /inventory/check answers by the reservation's rules and reserves nothing", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const before = countAllRows(t.deps.db);
  const check = await t.request("POST", "/inventory/check", {
    body: {
      items: [
        { product: "mouse-pad", quantity: 30 },
        { productId: "mouse-pad", quantity: 24 }, // SWAP's spelling; the two lines add up to 54, all there is
        { product: "laptop", quantity: 6 },
        { product: "unicorn", quantity: 1 },
      ],
    },
  });
  expect(check.status).toBe(200);
  expect(check.body).toEqual({
    allAvailable: false,
    items: [
      { product: "mouse-pad", requested: 54, available: 54, isAvailable: true },
      { product: "laptop", requested: 6, available: 5, isAvailable: false },
      { product: "unicorn", requested: 1, available: 0, isAvailable: false },
    ],
  });
  expect(countAllRows(t.deps.db)).toEqual(before);
  const all = await t.request("POST", "/inventory/check", { body: { items: [{ product: "laptop", quantity: 5 }] } });
  expect(all.body).toEqual({ allAvailable: true, items: [{ product: "laptop", requested: 5, available: 5, isAvailable: true }] });
});

test("units held for an order in flight are not available; a bad body is a 400; other sessions' stock does not count", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 4 }] } });
  t.clock.advance(3_000);
  t.relay.runDue(); // 4 reserved, payment pending
  const check = await t.request("POST", "/inventory/check", { body: { items: [{ product: "laptop", quantity: 2 }] } });
  expect(check.body.items[0]).toEqual({ product: "laptop", requested: 2, available: 1, isAvailable: false });
  for (const body of [{}, { items: [] }, { items: [{ product: "laptop", quantity: 0 }] }, { items: [{ quantity: 1 }] }]) {
    const bad = await t.request("POST", "/inventory/check", { body });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_FAILED");
  }
  const stranger = await t.request("POST", "/inventory/check", { body: { items: [{ product: "laptop", quantity: 1 }] }, session: "other" });
  expect(stranger.body.items[0]).toEqual({ product: "laptop", requested: 1, available: 0, isAvailable: false });
});
