import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseAtMigration } from "../../support/migrations";
import { createTestApp } from "../../support/test-app";

const dir = mkdtempSync(join(tmpdir(), "saga-upgrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("upgrading a database of the first schema: pending deliveries are delivered, events already handled are not handed over again", async () => {
  const path = join(dir, "old.sqlite");
  // The first schema (migration 0000): deliveries as rows, processed_events beside them.
  const old = databaseAtMigration(dir, path, 1);
  const at = Date.UTC(2026, 0, 1);
  const created = (items: unknown) =>
    JSON.stringify({ items, paymentBehaviour: "success", inventoryBehaviour: "success", skipDemoDelays: true, userId: null });
  old.run(
    `INSERT INTO products (id, session_id, name, price_cents, stock_level, created_at, updated_at)
     VALUES ('mouse-pad', 's', 'Mouse Pad', 2499, 54, ${at}, ${at})`,
  );
  for (const [order, status] of [
    ["pending-order", "PENDING"],
    ["handled-order", "CANCELLED"],
  ]) {
    old.run(
      `INSERT INTO orders (id, session_id, saga_id, status, payment_behaviour, inventory_behaviour, skip_demo_delays, created_at, updated_at)
       VALUES ('${order}', 's', 'saga-${order}', '${status}', 'success', 'success', 1, ${at}, ${at})`,
    );
    old.run(`INSERT INTO order_items (session_id, order_id, line_no, product, quantity) VALUES ('s', '${order}', 0, 'mouse-pad', 5)`);
  }
  // Both orders' ORDER_CREATED are in the log. The first still has its delivery scheduled; the
  // second's was delivered long ago (its row is gone, its processed record kept).
  const insertEvent = old.prepare(
    `INSERT INTO events (id, session_id, type, saga_id, order_id, causation_id, timestamp, data)
     VALUES ($id, 's', 'ORDER_CREATED', $saga, $order, NULL, ${at}, $data)`,
  );
  insertEvent.run({
    id: "evt-pending",
    saga: "saga-pending-order",
    order: "pending-order",
    data: created([{ product: "mouse-pad", quantity: 5 }]),
  });
  insertEvent.run({
    id: "evt-handled",
    saga: "saga-handled-order",
    order: "handled-order",
    data: created([{ product: "mouse-pad", quantity: 5 }]),
  });
  old.run(
    `INSERT INTO deliveries (session_id, event_seq, reaction, due_at) VALUES ('s', 1, 'inventory.reserveStockWhenOrderCreated', ${at})`,
  );
  old.run(
    `INSERT INTO processed_events (session_id, event_id, reaction, processed_at) VALUES ('s', 'evt-handled', 'inventory.reserveStockWhenOrderCreated', ${at})`,
  );
  old.close();

  const t = createTestApp({ databasePath: path });
  t.settle();
  expect(t.relayFailures).toEqual([]);
  const order = async (id: string) => (await t.request("GET", `/orders/${id}`, { session: "s" })).body;
  expect((await order("pending-order")).status).toBe("COMPLETED");
  // Had the relay started at the beginning of the log, the handled order would now hold a reservation.
  expect((await order("handled-order")).status).toBe("CANCELLED");
  const reservations = (await t.request("GET", "/inventory/reservations", { session: "s" })).body;
  expect(reservations.map((r: { orderId: string; status: string }) => [r.orderId, r.status])).toEqual([["pending-order", "CONFIRMED"]]);
  const [pads] = (await t.request("GET", "/inventory", { session: "s" })).body;
  expect([pads.stock_level, pads.reserved]).toEqual([49, 0]);
  expect(t.relay.pendingCount()).toBe(0);
  t.deps.db.$client.close();
});

test("upgrading a database of the orchestration schema (0000–0012): its orders and saga logs read as before, and the shipment step works", async () => {
  const path = join(dir, "before-shipments.sqlite");
  const old = databaseAtMigration(dir, path, 13);
  const at = Date.UTC(2026, 0, 1);
  old.run(
    `INSERT INTO orders (id, session_id, saga_id, status, payment_behaviour, inventory_behaviour, skip_demo_delays, saga_style, total_cents, created_at, updated_at, completed_at)
     VALUES ('old-order', 's', 'old-saga', 'COMPLETED', 'success', 'success', 1, 'orchestration', 12495, ${at}, ${at}, ${at})`,
  );
  old.run(`INSERT INTO order_items (session_id, order_id, line_no, product, quantity) VALUES ('s', 'old-order', 0, 'mouse-pad', 5)`);
  // A saga log written before the shipment step: its facts name no shipment.
  const facts = {
    items: [{ product: "mouse-pad", quantity: 5 }],
    inventoryBehaviour: "success",
    inventoryBehaviourGiven: false,
    paymentBehaviour: "success",
    paymentBehaviourGiven: false,
    skipDemoDelays: true,
    totalCents: 12495,
  };
  const steps = ["RESERVE_INVENTORY", "PROCESS_PAYMENT", "CONFIRM_RESERVATION"].map((name) => ({
    name,
    status: "done",
    startedAt: at,
    endedAt: at,
  }));
  old
    .prepare(
      `INSERT INTO orchestrated_sagas (session_id, order_id, saga_id, status, current_step, log, created_at, updated_at)
       VALUES ('s', 'old-order', 'old-saga', 'completed', NULL, $log, ${at}, ${at})`,
    )
    .run({ log: JSON.stringify({ status: "completed", steps, abort: null, facts }) });
  old.close();

  const t = createTestApp({ databasePath: path });
  const order = (await t.request("GET", "/orders/old-order", { session: "s" })).body;
  expect(order).toMatchObject({ status: "COMPLETED", sagaStyle: "orchestration" });
  expect(order).not.toHaveProperty("shippingBehaviour");
  const saga = (await t.request("GET", "/sagas/old-saga", { session: "s" })).body;
  expect(saga.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
    "RESERVE_INVENTORY:done",
    "PROCESS_PAYMENT:done",
    "CONFIRM_RESERVATION:done",
  ]);
  expect((await t.request("GET", "/shipments", { session: "s" })).body).toEqual([]);

  await t.request("POST", "/inventory/seed", { session: "s" });
  await t.request("PATCH", "/settings", { session: "s", body: { shipmentStep: true } });
  for (const sagaStyle of ["choreography", "orchestration"]) {
    const placed = (
      await t.request("POST", "/orders", {
        session: "s",
        body: { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true, sagaStyle },
      })
    ).body;
    t.settle();
    expect((await t.request("GET", `/orders/${placed.id}`, { session: "s" })).body).toMatchObject({
      status: "COMPLETED",
      shippingBehaviour: "success",
    });
  }
  expect((await t.request("GET", "/shipments", { session: "s" })).body).toHaveLength(2);
  expect(t.relayFailures).toEqual([]);
  t.deps.db.$client.close();
});
