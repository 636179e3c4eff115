import { describe, expect, test } from "bun:test";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

/** A session the scenario left red, and another session with an order of its own. */
async function brokenBesideAnother(scenario: string) {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed", { session: "other" });
  await t.request("POST", "/orders", { session: "other", body: fiveMousePads });
  t.settle();
  expect((await t.request("POST", `/scenarios/${scenario}/run`, { session: "broken" })).status).toBe(200);
  expect((await t.request("GET", "/consistency", { session: "broken" })).body.consistent).toBe(false);
  return t;
}

const otherSession = async (t: TestApp) => ({
  orders: (await t.request("GET", "/orders", { session: "other" })).body,
  payments: (await t.request("GET", "/payments", { session: "other" })).body,
  events: (await t.request("GET", "/events?limit=1000", { session: "other" })).body,
});

describe("the Invariants panel's resets", () => {
  test("Reset orders drops the session's orders and answers the Invariants panel checked again", async () => {
    const t = await brokenBesideAnother("dual-write");
    const before = await otherSession(t);
    const res = await t.request("POST", "/dashboard/orders/reset", { session: "broken" });
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="invariants-panel"');
    expect(res.text).toContain('data-consistent="true"');
    expect((await t.request("GET", "/orders", { session: "broken" })).body).toEqual([]);
    expect(await otherSession(t)).toEqual(before);
  });

  test("Reset payments drops the session's payments only, and answers the Invariants panel", async () => {
    const t = createTestApp();
    for (const session of ["broken", "other"]) await t.request("POST", "/inventory/seed", { session });
    await t.request("POST", "/orders", { session: "broken", body: fiveMousePads });
    await t.request("POST", "/orders", { session: "other", body: fiveMousePads });
    t.settle();
    const before = await otherSession(t);
    expect((await t.request("GET", "/payments", { session: "broken" })).body).toHaveLength(1);
    const res = await t.request("POST", "/dashboard/payments/reset", { session: "broken" });
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="invariants-panel"');
    expect((await t.request("GET", "/payments", { session: "broken" })).body).toEqual([]);
    expect(await otherSession(t)).toEqual(before);
  });

  test("a broken double release turns green after Reset orders and Reset inventory", async () => {
    const t = await brokenBesideAnother("double-release");
    await t.request("POST", "/dashboard/orders/reset", { session: "broken" });
    await t.request("POST", "/dashboard/inventory/reset", { session: "broken" });
    t.settle();
    expect((await t.request("GET", "/consistency", { session: "broken" })).body).toEqual({ consistent: true, violations: [] });
  });

  test("Delete session wipes the session, seeds it again and asks htmx to reload the page", async () => {
    const t = await brokenBesideAnother("duplicate-charge");
    const before = await otherSession(t);
    const res = await t.request("POST", "/dashboard/session/delete", { session: "broken" });
    expect(res.status).toBe(200);
    expect(res.headers.get("hx-refresh")).toBe("true");
    expect((await t.request("GET", "/orders", { session: "broken" })).body).toEqual([]);
    expect((await t.request("GET", "/events?limit=1000", { session: "broken" })).body).toEqual([]);
    expect((await t.request("GET", "/inventory", { session: "broken" })).body).toHaveLength(7);
    expect((await t.request("GET", "/consistency", { session: "broken" })).body.consistent).toBe(true);
    expect(await otherSession(t)).toEqual(before);
  });

  test("the panel offers each reset, each asking first", async () => {
    const t = createTestApp();
    const res = await t.request("GET", "/dashboard/invariants");
    for (const id of ["reset-orders", "reset-inventory", "reset-payments", "delete-session"])
      expect(res.text).toMatch(new RegExp(`id="${id}"[^>]*hx-confirm=|hx-confirm=[^>]*id="${id}"`));
  });

  // What the panel says each reset clears, scenario by scenario ("" = green again).
  const leftAfter: [string, string, string][] = [
    ["double-release", "/dashboard/orders/reset", "stock_conserved"],
    ["double-release", "/dashboard/inventory/reset", ""],
    ["stuck-saga", "/dashboard/orders/reset", ""],
    ["dual-write", "/dashboard/orders/reset", ""],
    ["duplicate-charge", "/dashboard/orders/reset", "stock_conserved"],
    ["duplicate-charge", "/dashboard/payments/reset", "charged_once,completed_pairing,stock_conserved"],
    ["lost-update", "/dashboard/inventory/reset", "completed_pairing"],
  ];
  for (const [scenario, reset, left] of leftAfter)
    test(`after ${scenario}, ${reset} leaves ${left || "nothing broken"}`, async () => {
      const t = await brokenBesideAnother(scenario);
      expect((await t.request("POST", reset, { session: "broken" })).status).toBe(200);
      t.settle();
      const violations = (await t.request("GET", "/consistency", { session: "broken" })).body.violations as { invariant: string }[];
      expect([...new Set(violations.map((v) => v.invariant))].sort().join(",")).toBe(left);
    });
});
