import { describe, expect, test } from "bun:test";
import { MAX_DELIVERY_ATTEMPTS } from "../../../src/bus/bus.sql";
import { countAllRows, dumpDomainTables } from "../../support/db-snapshot";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

/** An order of five Mouse Pads (5 × 24.99) that asks for no behaviour: the knobs decide. */
const asksNothing = fiveMousePads;

async function seeded(t: TestApp, ...sessions: string[]) {
  await t.request("POST", "/inventory/seed");
  for (const session of sessions) await t.request("POST", "/inventory/seed", { session });
}

describe("the knobs' ranges", () => {
  test("each rate is 0–1; out of range or of the wrong type is a 400 that writes nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    for (const knob of ["inventoryFailureRate", "paymentFailureRate", "duplicateDeliveryRate", "reactionFaultRate"]) {
      for (const bad of [-0.01, 1.01, "0.5", null]) {
        const answer = await t.request("PATCH", "/settings", { body: { [knob]: bad } });
        expect(answer.status).toBe(400);
        expect(answer.body.details[0].path).toBe(knob);
      }
    }
    expect(countAllRows(t.deps.db)).toEqual(before);
    const ok = await t.request("PATCH", "/settings", { body: { paymentFailureRate: 0.25, reactionFaultRate: 1 } });
    expect(ok.body).toMatchObject({ paymentFailureRate: 0.25, reactionFaultRate: 1, inventoryFailureRate: 0 });
  });
});

describe("failure rates", () => {
  test("inventoryFailureRate 1 cancels the next order that asks for nothing, and only that kind, and only in its session", async () => {
    const t = createTestApp();
    await seeded(t, "other");
    await t.request("PATCH", "/settings", { body: { inventoryFailureRate: 1 } });
    const unasked = (await t.request("POST", "/orders", { body: asksNothing })).body.id;
    const asked = (await t.request("POST", "/orders", { body: { ...asksNothing, inventoryBehaviour: "success" } })).body.id;
    const theirs = (await t.request("POST", "/orders", { body: asksNothing, session: "other" })).body.id;
    t.settle();
    expect((await t.request("GET", `/orders/${unasked}`)).body).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "inventory_depleted",
      errorMessage: "Inventory failed: Simulated inventory failure (the session's inventoryFailureRate is 1)",
    });
    expect((await t.request("GET", `/orders/${asked}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", `/orders/${theirs}`, { session: "other" })).body.status).toBe("COMPLETED");
  });

  test("paymentFailureRate 1 declines the charge and releases the stock; an explicit behaviour still wins", async () => {
    const t = createTestApp();
    await seeded(t);
    const padOf = async () =>
      ((await t.request("GET", "/inventory")).body as { id: string; stock_level: number; reserved: number }[]).find(
        (p) => p.id === "mouse-pad",
      );
    const stockBefore = (await padOf())?.stock_level ?? 0;
    await t.request("PATCH", "/settings", { body: { paymentFailureRate: 1 } });
    const unasked = (await t.request("POST", "/orders", { body: asksNothing })).body.id;
    const asked = (await t.request("POST", "/orders", { body: { ...asksNothing, paymentBehaviour: "success" } })).body.id;
    t.settle();
    expect((await t.request("GET", `/orders/${unasked}`)).body).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "payment_failed",
    });
    const payments = (await t.request("GET", "/payments")).body as { order_id: string; status: string; failure_reason: string }[];
    expect(payments.find((p) => p.order_id === unasked)).toMatchObject({
      status: "FAILED",
      failure_reason: "card_declined (the session's paymentFailureRate is 1)",
    });
    expect((await t.request("GET", `/orders/${asked}`)).body.status).toBe("COMPLETED");
    // 5 units were taken by the completed order, 5 released by the declined one.
    expect(await padOf()).toMatchObject({ stock_level: stockBefore - 5, reserved: 0 });
  });

  test("a rate is read when the delivery runs: changed while an order waits, the change applies to it", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await seeded(t);
    const order = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } })).body.id;
    t.relay.runDue(); // scheduled for 3 s from now, before the knob moves
    await t.request("PATCH", "/settings", { body: { inventoryFailureRate: 1 } });
    t.settle();
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("CANCELLED");
  });

  test("a rate between 0 and 1 fails about that share of orders, drawn from the injected random source", async () => {
    const cancelledOf = async (seed: number) => {
      const t = createTestApp({ seed });
      await t.request("POST", "/inventory/seed");
      await t.request("PATCH", "/settings", { body: { paymentFailureRate: 0.3 } });
      // 60 of the 67 Wireless Mice: stock never runs out, so every cancellation is the knob's.
      for (let i = 0; i < 60; i += 1) {
        await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
      }
      t.settle();
      const orders = (await t.request("GET", "/orders")).body as { cancellationSource: string | null }[];
      return orders.filter((o) => o.cancellationSource === "payment_failed").length;
    };
    const cancelled = await cancelledOf(7);
    // 30% of 60 is 18; a seeded draw lands well within these bounds.
    expect(cancelled).toBeGreaterThan(8);
    expect(cancelled).toBeLessThan(30);
    expect(await cancelledOf(7)).toBe(cancelled); // same seed, same saga
  });
});

describe("duplicateDeliveryRate", () => {
  async function playTwoOrders(t: TestApp) {
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: asksNothing });
    await t.request("POST", "/orders", { body: { ...asksNothing, paymentBehaviour: "failure" } });
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 999 }], skipDemoDelays: true } });
    t.settle();
  }

  test("at 1 every applied delivery is made twice; each duplicate is ignored and the tables match a run without any", async () => {
    const once = createTestApp();
    await playTwoOrders(once);
    const twice = createTestApp();
    await twice.request("PATCH", "/settings", { body: { duplicateDeliveryRate: 1 } });
    await playTwoOrders(twice);

    expect(dumpDomainTables(twice.deps.db)).toEqual(dumpDomainTables(once.deps.db));
    const orders = (await twice.request("GET", "/orders")).body as { id: string }[];
    for (const { id } of orders) {
      const log = (await twice.request("GET", `/orders/${id}/deliveries`)).body as {
        outcome: string;
        eventSeq: number;
        reaction: string;
      }[];
      const applied = log.filter((e) => e.outcome === "applied");
      const ignored = log.filter((e) => e.outcome === "duplicate_ignored");
      expect(applied.length).toBeGreaterThan(0);
      expect(ignored.map((e) => `${e.eventSeq} ${e.reaction}`)).toEqual(applied.map((e) => `${e.eventSeq} ${e.reaction}`));
    }
  });

  test("at 0 nothing is duplicated", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const id = (await t.request("POST", "/orders", { body: asksNothing })).body.id;
    t.settle();
    const log = (await t.request("GET", `/orders/${id}/deliveries`)).body as { outcome: string }[];
    expect(log.every((e) => e.outcome === "applied")).toBe(true);
  });
});

describe("reactionFaultRate: retries, dead letters, a retry by hand", () => {
  test("a fault is retried with backoff, dead-lettered after 5 attempts, then retried by hand to COMPLETED", async () => {
    const t = createTestApp();
    await seeded(t, "other");
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    const order = (await t.request("POST", "/orders", { body: asksNothing })).body.id;
    const theirs = (await t.request("POST", "/orders", { body: asksNothing, session: "other" })).body.id;
    const start = t.clock.now();
    t.settle(start + 60_000); // before the order's own deadline (5 min)

    // Attempts at 0, 1, 3, 7 and 15 s (backoff 1, 2, 4, 8 s); the fifth failure is final.
    const log = (
      (await t.request("GET", `/orders/${order}/deliveries`)).body as {
        reaction: string;
        attempt: number;
        outcome: string;
        at: string;
        error?: string;
        retryAt?: string;
      }[]
    ).filter((e) => e.reaction === "inventory.reserveStockWhenOrderCreated");
    expect(log.map((e) => `#${e.attempt} ${e.outcome}`)).toEqual(["#1 failed", "#2 failed", "#3 failed", "#4 failed", "#5 dead_lettered"]);
    expect(log.map((e) => Date.parse(e.at) - start)).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
    expect(log[0]).toMatchObject({
      error: "Injected fault: the session's reactionFaultRate is 1",
      retryAt: new Date(start + 1_000).toISOString(),
    });
    expect(log[4]?.retryAt).toBeUndefined();
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("PENDING");
    expect((await t.request("GET", `/orders/${theirs}`, { session: "other" })).body.status).toBe("COMPLETED");

    // The dead letter is no longer scheduled (only the order's deadline is); it is listed, to this session only.
    expect((await t.request("GET", "/bus/deliveries")).body.map((d: { reaction: string }) => d.reaction)).toEqual([
      "orders.cancelOrderWhenTimedOut",
    ]);
    // The order's notification faulted as often, and was given up on at the same moment.
    const everyDead = (await t.request("GET", "/bus/dead-letters")).body as ({ reaction: string; id: number } & Record<string, unknown>)[];
    expect(everyDead.map((d) => d.reaction).sort()).toEqual([
      "inventory.reserveStockWhenOrderCreated",
      "notifications.notifyOnOrderCreated",
    ]);
    const dead = everyDead.filter((d) => d.reaction === "inventory.reserveStockWhenOrderCreated");
    expect(dead).toEqual([
      {
        id: expect.any(Number),
        eventSeq: 1,
        eventType: "ORDER_CREATED",
        orderId: order,
        reaction: "inventory.reserveStockWhenOrderCreated",
        module: "inventory",
        dueAt: expect.any(String),
        attempts: MAX_DELIVERY_ATTEMPTS,
        lastError: "Injected fault: the session's reactionFaultRate is 1",
        held: false,
        deadLetteredAt: new Date(start + 15_000).toISOString(),
      },
    ]);
    expect((await t.request("GET", "/bus/dead-letters", { session: "other" })).body).toEqual([]);
    expect((await t.request("POST", `/bus/dead-letters/${dead[0]!.id}/retry`, { session: "other" })).status).toBe(404);

    // Retried while the fault is still on: it fails again and stays a dead letter.
    const again = await t.request("POST", `/bus/dead-letters/${dead[0]!.id}/retry`);
    expect(again.body).toMatchObject({ outcome: "dead_lettered", error: "Injected fault: the session's reactionFaultRate is 1" });
    const afterAgain = (await t.request("GET", "/bus/dead-letters")).body as { id: number; attempts: number }[];
    expect(afterAgain.find((d) => d.id === dead[0]!.id)?.attempts).toBe(MAX_DELIVERY_ATTEMPTS + 1);

    // The teacher turns the fault off and retries: the saga goes on to the end.
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    const retried = await t.request("POST", `/bus/dead-letters/${dead[0]!.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe("applied");
    for (const other of everyDead.filter((d) => d.id !== dead[0]!.id)) await t.request("POST", `/bus/dead-letters/${other.id}/retry`);
    t.settle();
    // Its deadline went with the saga: the bus drained long before it was due.
    expect(t.clock.now() - start).toBeLessThan(300_000);
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", "/bus/deliveries")).body).toEqual([]);
    expect((await t.request("GET", "/bus/dead-letters")).body).toEqual([]);
    expect((await t.request("POST", `/bus/dead-letters/${dead[0]!.id}/retry`)).status).toBe(404);
    expect(t.checkConsistency().consistent).toBe(true);
  });

  test("a fault rolls back everything its delivery did: with half the deliveries faulting, every saga still ends as it should", async () => {
    const t = createTestApp({ seed: 3 });
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0.5 } });
    for (let i = 0; i < 20; i += 1) {
      await t.request("POST", "/orders", {
        body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true, paymentBehaviour: i % 4 === 0 ? "failure" : "success" },
      });
    }
    t.settle(t.clock.now() + 60_000); // the retries, not the orders' 5-minute deadlines
    const dead = (await t.request("GET", "/bus/dead-letters")).body as { id: number }[];
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    for (const { id } of dead) await t.request("POST", `/bus/dead-letters/${id}/retry`);
    t.settle();
    const orders = (await t.request("GET", "/orders")).body as { status: string; paymentBehaviour: string }[];
    expect(orders.filter((o) => o.status === "COMPLETED").length).toBe(15);
    expect(orders.filter((o) => o.status === "CANCELLED").length).toBe(5);
    const log = (await t.request("GET", "/events?limit=1000")).body as unknown[];
    expect(log.length).toBeGreaterThan(0);
    expect(t.checkConsistency().consistent).toBe(true);
    expect(t.relayFailures.length).toBeGreaterThan(10);
  });
});
