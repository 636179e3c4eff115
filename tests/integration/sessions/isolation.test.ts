import { expect, test } from "bun:test";
import { dumpDomainTables } from "../../support/db-snapshot";
import { createTestApp, fiveMousePads } from "../../support/test-app";

async function sessionWithAFinishedSaga() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed", { session: "alice" });
  const { body: order } = await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
  t.settle();
  return { t, order };
}

test("every route that takes an id answers 404 for another session's id, exactly as for no id at all", async () => {
  const { t, order } = await sessionWithAFinishedSaga();
  for (const path of [`/orders/${order.id}`, `/orders/${order.id}/events`, `/orders/${order.id}?wait=10`]) {
    expect((await t.request("GET", path, { session: "alice" })).status).toBe(200);
    const fromBob = await t.request("GET", path, { session: "bob" });
    const nowhere = await t.request("GET", path.replace(order.id, "no-such-order"), { session: "bob" });
    expect(fromBob.status).toBe(404);
    expect(fromBob.body.code).toBe("NOT_FOUND");
    expect(fromBob.text).toBe(nowhere.text.replace("no-such-order", order.id));
  }
});

test("every list answers empty for another session and says nothing of the first", async () => {
  const { t, order } = await sessionWithAFinishedSaga();
  for (const path of ["/orders", "/inventory", "/payments", "/events"]) {
    const res = await t.request("GET", path, { session: "bob" });
    expect(res.body).toEqual([]);
  }
  const stats = await t.request("GET", "/inventory/stats", { session: "bob" });
  expect(stats.body.products.total_products).toBe(0);
  expect(stats.body.reservations.total_reservations).toBe(0);
  expect(stats.text).not.toContain(order.id);
});

test("another session's seeds, orders and resets change nothing of the first", async () => {
  const { t } = await sessionWithAFinishedSaga();
  const alice = () => {
    const dump = dumpDomainTables(t.deps.db);
    return Object.fromEntries(
      Object.entries(dump).map(([table, rows]) => [table, rows.filter((r) => (r as { session_id: string }).session_id === "alice")]),
    );
  };
  const before = alice();
  await t.request("POST", "/inventory/seed", { session: "bob" });
  await t.request("POST", "/orders", { session: "bob", body: { items: [{ product: "mouse-pad", quantity: 54 }], skipDemoDelays: true } });
  await t.request("POST", "/orders", {
    session: "bob",
    body: { items: [{ product: "laptop", quantity: 1 }], paymentBehaviour: "failure", skipDemoDelays: true },
  });
  t.settle();
  for (const path of ["/orders/reset", "/inventory/reset", "/payments/reset"]) await t.request("POST", path, { session: "bob" });
  t.settle();
  expect(alice()).toEqual(before);
});
