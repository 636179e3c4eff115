import { expect, test } from "bun:test";
import { sagaEventTypes as eventTypes } from "../../../src/modules/events";
import { dumpDomainTables } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Drives one session through every path of the saga, including a reset mid-saga (refund path)
 * and cancellations: in each saga style, in a session of its own.
 */
async function playEveryScenario(t: TestApp) {
  for (const sagaStyle of ["choreography", "orchestration"]) await playInStyle(t, sagaStyle);
  await playRpc(t);
}

async function playInStyle(t: TestApp, sagaStyle: string) {
  const session = `${sagaStyle}-session`;
  const post = (path: string, body?: object) => t.request("POST", path, { session, ...(body ? { body: { ...body, sagaStyle } } : {}) });
  await post("/inventory/seed");
  const orders = [
    { items: [{ product: "mouse-pad", quantity: 5 }] },
    { items: [{ product: "laptop", quantity: 999 }] },
    { items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure" },
    { items: [{ product: "keyboard", quantity: 1 }], inventoryBehaviour: "random", paymentBehaviour: "random" },
  ];
  const ids: string[] = [];
  for (const body of orders) ids.push((await post("/orders", body)).body.id);
  t.settle();
  // A completed order cancelled (restock, refund), and one cancelled while its stock is held.
  await post(`/orders/${ids[0]}/cancel?wait=0`);
  const held = (await post("/orders", { items: [{ product: "mouse", quantity: 1 }] })).body.id;
  t.clock.advance(3_000);
  t.relay.runDue();
  await post(`/orders/${held}/cancel?wait=0`);
  t.settle();
  await post("/orders", { items: [{ product: "headset", quantity: 1 }] });
  t.clock.advance(3_000);
  t.relay.runDue();
  await post("/inventory/reset");
  t.settle();
  // The shipment step: shipped (then cancelled: the parcel called back), and a shipment that fails.
  await post("/inventory/seed");
  await t.request("PATCH", "/settings", { session, body: { shipmentStep: true } });
  const shipped = (await post("/orders", { items: [{ product: "mouse", quantity: 2 }] })).body.id;
  await post("/orders", { items: [{ product: "keyboard", quantity: 1 }], shippingBehaviour: "failure" });
  t.settle();
  await post(`/orders/${shipped}/cancel?wait=0`);
  t.settle();
}

/** The rpc style, in a session of its own: its orders are answered at the end of their calls. */
async function playRpc(t: TestApp) {
  const session = "rpc-session";
  const post = (path: string, body?: object) => t.request("POST", path, { session, ...(body ? { body } : {}) });
  await post("/inventory/seed");
  const rpcOrder = async (body: object) =>
    (await post("/orders", { sagaStyle: "rpc", skipDemoDelays: true, items: [{ product: "mouse-pad", quantity: 1 }], ...body })).body.id;
  // An order driven by calls (RPC_CALL), completed, then cancelled (restock, refund); a declined
  // payment (CancelReservation); an order out of stock at the check.
  const completed = await rpcOrder({});
  await post(`/orders/${completed}/cancel?wait=0`);
  t.settle();
  await rpcOrder({ paymentBehaviour: "failure" });
  await rpcOrder({ items: [{ product: "laptop", quantity: 999 }] });
  t.settle();
  // A reservation made by a call (INVENTORY_HELD) that nobody commits: its expiry releases it.
  await post("/inventory.v1.InventoryService/ReserveInventory", {
    items: [{ inventory_item_id: "mouse-pad", quantity: 2 }],
    reference_id: "cart-1",
    reference_type: "CART",
    expiration_minutes: 1,
  });
  t.settle();
}

test("every event type delivered twice leaves the same database as delivered once", async () => {
  const once = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
  await playEveryScenario(once);

  const twice = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
  const seenTypes = new Set<string>();
  twice.deps.bus.listen((events) => {
    for (const event of events) {
      seenTypes.add(event.type);
      twice.steering.redeliver(event);
    }
  });
  await playEveryScenario(twice);

  expect([...seenTypes].sort()).toEqual([...eventTypes].sort());
  expect(dumpDomainTables(twice.deps.db)).toEqual(dumpDomainTables(once.deps.db));
  expect(twice.relay.pendingCount()).toBe(0);
});

test("a delivery repeated after it was processed changes nothing", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: placed } = await t.request("POST", "/orders", {
    body: { items: [{ product: "mouse", quantity: 3 }], skipDemoDelays: true },
  });
  t.settle();
  const before = dumpDomainTables(t.deps.db);
  const events = (await t.request("GET", `/orders/${placed.id}/events`)).body as { seq: number }[];
  for (const { seq } of events) {
    const row = t.deps.db.$client.query("SELECT * FROM events WHERE seq = ?").get(seq) as Record<string, unknown>;
    t.steering.redeliver({
      id: row.id,
      seq,
      type: row.type,
      sessionId: row.session_id,
      sagaId: row.saga_id,
      orderId: row.order_id,
      causationId: row.causation_id,
      timestamp: row.timestamp,
      data: JSON.parse(row.data as string),
    } as never);
  }
  t.settle();
  expect(dumpDomainTables(t.deps.db)).toEqual(before);
});

test("a reaction that throws is rolled back whole and retried with backoff", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  let calls = 0;
  t.deps.bus.subscribe({
    name: "test.flakyOnce",
    on: "INVENTORY_RESERVED",
    handle: () => {
      calls += 1;
      // Runs inside the delivery's savepoint: the connection's open transaction.
      t.deps.db.$client.run("UPDATE products SET name = 'half-written' WHERE id = 'mouse'");
      if (calls === 1) throw new Error("boom");
    },
  });
  await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
  t.relay.runDue();
  expect(calls).toBe(1);
  const retry = t.deps.db.$client.query("SELECT attempts, last_error, due_at FROM deliveries WHERE reaction = 'test.flakyOnce'").get();
  expect(retry).toEqual({ attempts: 1, last_error: "boom", due_at: t.clock.now() + 1_000 });
  expect((await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "mouse").name).toBe("Wireless Mouse");
  t.settle();
  expect(calls).toBe(2);
  expect(t.relay.pendingCount()).toBe(0);
});
