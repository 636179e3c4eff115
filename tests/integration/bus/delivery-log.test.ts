import { expect, test } from "bun:test";
import { dumpDomainTables } from "../../support/db-snapshot";
import { createTestApp, fiveMousePads } from "../../support/test-app";

const outcomes = (log: { eventType: string; reaction: string; attempt: number; outcome: string }[]) =>
  log.map((e) => `${e.eventType} → ${e.reaction} #${e.attempt}: ${e.outcome}`);

test("GET /orders/:id/deliveries lists every attempt of the saga with its outcome", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: order } = await t.request("POST", "/orders", { body: fiveMousePads });
  t.settle();
  const log = await t.request("GET", `/orders/${order.id}/deliveries`);
  expect(log.status).toBe(200);
  expect(outcomes(log.body)).toEqual([
    "ORDER_CREATED → inventory.reserveStockWhenOrderCreated #1: applied",
    // Notifications hears of the order too: a fourth subscriber the other modules never see.
    "ORDER_CREATED → notifications.notifyOnOrderCreated #1: applied",
    "INVENTORY_RESERVED → orders.markProcessingWhenStockReserved #1: applied",
    "INVENTORY_RESERVED → payments.openPaymentWhenStockReserved #1: applied",
    "INVENTORY_RESERVED → payments.chargeWhenStockReserved #1: applied",
    "PAYMENT_SUCCESS → inventory.confirmReservationWhenPaid #1: applied",
    "INVENTORY_CONFIRMED → orders.completeOrderWhenStockConfirmed #1: applied",
    "ORDER_COMPLETED → notifications.notifyOnOrderCompleted #1: applied",
    // The order's deadline (orderTimeoutMs, 5 min) went when it completed: it never runs.
  ]);
  expect(log.body[0]).toEqual({
    eventSeq: 1,
    eventType: "ORDER_CREATED",
    reaction: "inventory.reserveStockWhenOrderCreated",
    attempt: 1,
    outcome: "applied",
    at: expect.any(String),
  });
  // Another session's order is no order at all.
  expect((await t.request("GET", `/orders/${order.id}/deliveries`, { session: "other" })).status).toBe(404);
});

test("POST /events/:seq/redeliver: a duplicate is recognised, changes no table, and shows as duplicate_ignored", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: order } = await t.request("POST", "/orders", { body: fiveMousePads });
  t.settle();
  const before = dumpDomainTables(t.deps.db);
  const [created, reserved] = (await t.request("GET", `/orders/${order.id}/events`)).body as { seq: number }[];

  const again = await t.request("POST", `/events/${reserved!.seq}/redeliver`);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({
    eventSeq: reserved!.seq,
    eventType: "INVENTORY_RESERVED",
    deliveries: [
      { reaction: "orders.markProcessingWhenStockReserved", outcome: "duplicate_ignored" },
      { reaction: "payments.openPaymentWhenStockReserved", outcome: "duplicate_ignored" },
      { reaction: "payments.chargeWhenStockReserved", outcome: "duplicate_ignored" },
    ],
  });
  // The order's deadline went with the saga: a duplicate of ORDER_CREATED has no deadline to reach.
  expect((await t.request("POST", `/events/${created!.seq}/redeliver`)).body.deliveries).toEqual([
    { reaction: "inventory.reserveStockWhenOrderCreated", outcome: "duplicate_ignored" },
    { reaction: "notifications.notifyOnOrderCreated", outcome: "duplicate_ignored" },
  ]);
  t.settle();
  expect(dumpDomainTables(t.deps.db)).toEqual(before);
  const log = outcomes((await t.request("GET", `/orders/${order.id}/deliveries`)).body);
  expect(log.slice(-5)).toEqual([
    "INVENTORY_RESERVED → orders.markProcessingWhenStockReserved #2: duplicate_ignored",
    "INVENTORY_RESERVED → payments.openPaymentWhenStockReserved #2: duplicate_ignored",
    "INVENTORY_RESERVED → payments.chargeWhenStockReserved #2: duplicate_ignored",
    "ORDER_CREATED → inventory.reserveStockWhenOrderCreated #2: duplicate_ignored",
    "ORDER_CREATED → notifications.notifyOnOrderCreated #2: duplicate_ignored",
  ]);
});

test("a redelivery of an event not delivered yet is delivered once, when due; another session's event is a 404", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: order } = await t.request("POST", "/orders", { body: { ...fiveMousePads, skipDemoDelays: false } });
  const [created] = (await t.request("GET", `/orders/${order.id}/events`)).body as { seq: number }[];
  expect((await t.request("POST", `/events/${created!.seq}/redeliver`)).body.deliveries).toEqual([
    { reaction: "orders.cancelOrderWhenTimedOut", outcome: "not_yet_delivered" },
    { reaction: "inventory.reserveStockWhenOrderCreated", outcome: "not_yet_delivered" },
    { reaction: "notifications.notifyOnOrderCreated", outcome: "not_yet_delivered" },
  ]);
  expect((await t.request("POST", `/events/${created!.seq}/redeliver`, { session: "other" })).status).toBe(404);
  expect((await t.request("POST", "/events/0/redeliver")).status).toBe(400);
  t.settle();
  expect((await t.request("GET", `/orders/${order.id}`)).body.status).toBe("COMPLETED");
  const reserveAttempts = outcomes((await t.request("GET", `/orders/${order.id}/deliveries`)).body).filter((line) =>
    line.startsWith("ORDER_CREATED"),
  );
  expect(reserveAttempts).toEqual([
    // The notification has no demo delay; the reservation waits 3 s; the deadline (5 min) went when the order completed.
    "ORDER_CREATED → notifications.notifyOnOrderCreated #1: applied",
    "ORDER_CREATED → inventory.reserveStockWhenOrderCreated #1: applied",
  ]);
});

test("a reaction that fails shows as failed, then applied on its retry", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  let calls = 0;
  t.deps.bus.subscribe({
    name: "test.flakyOnce",
    on: "ORDER_CREATED",
    handle: () => {
      calls += 1;
      if (calls === 1) throw new Error("boom");
    },
  });
  const { body: order } = await t.request("POST", "/orders", { body: fiveMousePads });
  t.settle();
  const flaky = (await t.request("GET", `/orders/${order.id}/deliveries`)).body.filter(
    (e: { reaction: string }) => e.reaction === "test.flakyOnce",
  );
  expect(flaky.map((e: { attempt: number; outcome: string; error?: string }) => [e.attempt, e.outcome, e.error])).toEqual([
    [1, "failed", "boom"],
    [2, "applied", undefined],
  ]);
});
