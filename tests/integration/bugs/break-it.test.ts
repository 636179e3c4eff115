import { describe, expect, test } from "bun:test";
import type { BugSwitch } from "../../../src/modules/bugs";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * "Break it": each switch, turned on in one session, puts back its defect, and GET /consistency
 * names the invariant it breaks and the events that broke it. The same steps in a session
 * without the switch stay consistent, and the broken session never shows in another's report.
 */

type Event = { seq: number; type: string; orderId: string; data: Record<string, unknown> };
type Violation = { invariant: string; subject: string; causedBy: number[] };

const BROKEN = "broken-session";
const HEALTHY = "healthy-session";

async function shop(t: TestApp, session: string, bugs: BugSwitch[], more: Record<string, unknown> = {}) {
  expect((await t.request("POST", "/inventory/seed", { session })).status).toBe(200);
  const patched = await t.request("PATCH", "/settings", { session, body: { bugs, ...more } });
  expect(patched.status).toBe(200);
  expect(patched.body.bugs).toEqual(bugs);
}

const eventsOf = async (t: TestApp, session: string): Promise<Event[]> => (await t.request("GET", "/events?limit=1000", { session })).body;
const seqsOf = (events: Event[], type: string, orderId?: string) =>
  events.filter((e) => e.type === type && (orderId === undefined || e.orderId === orderId)).map((e) => e.seq);
async function violationsOf(t: TestApp, session: string): Promise<Violation[]> {
  const report = (await t.request("GET", "/consistency", { session })).body;
  expect(report.consistent).toBe(report.violations.length === 0);
  return report.violations;
}
const named = (violations: Violation[], invariant: string) => violations.filter((v) => v.invariant === invariant);

async function place(t: TestApp, session: string, body: Record<string, unknown>): Promise<string> {
  const placed = await t.request("POST", "/orders", { session, body: { skipDemoDelays: true, ...body } });
  expect(placed.status).toBe(200);
  return placed.body.id;
}

/** In step mode: runs every held delivery of the session, and what follows, except those of `reaction`. */
async function deliverAllHeldBut(t: TestApp, session: string, reaction: string) {
  for (;;) {
    const held: { reaction: string }[] = (await t.request("GET", "/bus/deliveries", { session })).body;
    const next = held.find((d) => d.reaction !== reaction && d.reaction !== "orders.cancelOrderWhenTimedOut");
    if (!next) return;
    await deliverHeld(t, next.reaction, session);
  }
}

/** Runs `steps` in a broken session and in a healthy one; answers both sessions' violations. */
async function inBothSessions(bugs: BugSwitch[], steps: (t: TestApp, session: string) => Promise<void>, more = {}) {
  const t = createTestApp();
  await shop(t, BROKEN, bugs, more);
  await shop(t, HEALTHY, [], more);
  await steps(t, BROKEN);
  await steps(t, HEALTHY);
  return { t, broken: await violationsOf(t, BROKEN), healthy: await violationsOf(t, HEALTHY) };
}

describe("the bugs setting", () => {
  test("defaults to no switch, takes the known names, and refuses an unknown or repeated one writing nothing", async () => {
    const t = createTestApp();
    expect((await t.request("GET", "/settings")).body).toMatchObject({ bugs: [], crashBetweenWritesRate: 0 });
    const unknown = await t.request("PATCH", "/settings", { body: { bugs: ["noSemanticLock", "dropEverything"], paymentDelayMs: 1_000 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe("VALIDATION_FAILED");
    const twice = await t.request("PATCH", "/settings", { body: { bugs: ["noSemanticLock", "noSemanticLock"] } });
    expect(twice.status).toBe(400);
    const rate = await t.request("PATCH", "/settings", { body: { crashBetweenWritesRate: 1.5 } });
    expect(rate.status).toBe(400);
    expect((await t.request("GET", "/settings")).body).toMatchObject({ bugs: [], crashBetweenWritesRate: 0, paymentDelayMs: 5_000 });
    const on = await t.request("PATCH", "/settings", { body: { bugs: ["noSemanticLock"], crashBetweenWritesRate: 0.5 } });
    expect(on.body).toMatchObject({ bugs: ["noSemanticLock"], crashBetweenWritesRate: 0.5 });
    expect((await t.request("GET", "/settings", { session: "another" })).body.bugs).toEqual([]);
  });
});

describe("each switch breaks its invariant, only in its session", () => {
  test("ignoreCancellationSource: a failed payment's stock is handed back twice (stock_conserved)", async () => {
    const { t, broken, healthy } = await inBothSessions(["ignoreCancellationSource"], async (t, session) => {
      await place(t, session, { items: [{ product: "mouse", quantity: 2 }], paymentBehaviour: "failure" });
      t.settle();
    });
    expect(healthy).toEqual([]);
    const releases = seqsOf(await eventsOf(t, BROKEN), "INVENTORY_RELEASED");
    expect(releases).toHaveLength(2);
    expect(named(broken, "stock_conserved")).toEqual([expect.objectContaining({ subject: "mouse", causedBy: [releases[1]] })]);
    expect((await t.request("GET", "/inventory", { session: BROKEN })).text).toContain("mouse");
  });

  test("dropOrderIdOnFailure: INVENTORY_FAILED names no order, so the saga waits for its deadline (saga_progresses)", async () => {
    let orderId = "";
    const { t, broken, healthy } = await inBothSessions(["dropOrderIdOnFailure"], async (t, session) => {
      const id = await place(t, session, { items: [{ product: "laptop", quantity: 99 }] });
      if (session === BROKEN) orderId = id;
      t.settle(t.clock.now() + 60_000);
    });
    expect(healthy).toEqual([]);
    const failed = (await eventsOf(t, BROKEN)).filter((e) => e.type === "INVENTORY_FAILED");
    expect(failed).toEqual([expect.objectContaining({ orderId: "" })]);
    expect((await t.request("GET", `/orders/${orderId}`, { session: BROKEN })).body.status).toBe("PENDING");
    expect(broken).toEqual([expect.objectContaining({ invariant: "saga_progresses", subject: orderId, causedBy: [failed[0]?.seq] })]);
    // An event that names no order is shown like any other, never a failure of the pages that list events.
    for (const path of ["/sagas", `/?session=${BROKEN}`, `/orders/${orderId}/events`, "/events/1/redeliver"]) {
      const method = path.endsWith("redeliver") ? "POST" : "GET";
      expect((await t.request(method, path, { session: BROKEN })).status).toBeLessThan(400);
    }
    // The deadline ends the saga; the event nobody could correlate stays on the books.
    t.settle();
    const order = (await t.request("GET", `/orders/${orderId}`, { session: BROKEN })).body;
    expect(order).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect(named(await violationsOf(t, BROKEN), "saga_progresses")).toHaveLength(1);
  });

  test("nonIdempotentConsumers: a redelivered charge charges again and takes the stock again (charged_once, stock_conserved)", async () => {
    const { t, broken, healthy } = await inBothSessions(["nonIdempotentConsumers"], async (t, session) => {
      await place(t, session, { items: [{ product: "mouse", quantity: 2 }] });
      t.settle();
      const reserved = seqsOf(await eventsOf(t, session), "INVENTORY_RESERVED")[0];
      const again = await t.request("POST", `/events/${reserved}/redeliver`, { session });
      expect(again.status).toBe(200);
      const charge = again.body.deliveries.find((d: { reaction: string }) => d.reaction === "payments.chargeWhenStockReserved");
      expect(charge.outcome).toBe(session === BROKEN ? "applied_again" : "duplicate_ignored");
      t.settle();
    });
    expect(healthy).toEqual([]);
    const events = await eventsOf(t, BROKEN);
    const charges = seqsOf(events, "PAYMENT_SUCCESS");
    const confirmations = seqsOf(events, "INVENTORY_CONFIRMED");
    expect(charges).toHaveLength(2);
    expect(named(broken, "charged_once")).toEqual([expect.objectContaining({ causedBy: charges })]);
    expect(named(broken, "stock_conserved")).toEqual([expect.objectContaining({ subject: "mouse", causedBy: [confirmations[1]] })]);
  });

  test("nonIdempotentConsumers with duplicateDeliveryRate 1: the bus's own duplicates apply, and the saga still ends", async () => {
    const { broken, healthy } = await inBothSessions(
      ["nonIdempotentConsumers"],
      async (t, session) => {
        await place(t, session, { items: [{ product: "keyboard", quantity: 1 }] });
        t.settle();
      },
      { duplicateDeliveryRate: 1 },
    );
    expect(healthy).toEqual([]);
    expect(named(broken, "charged_once")).toHaveLength(1);
  });

  test("publishBeforeCommit: a crash between the two writes leaves an event whose order never existed (no_orphan_events)", async () => {
    const t = createTestApp();
    await shop(t, BROKEN, ["publishBeforeCommit"], { crashBetweenWritesRate: 1 });
    await shop(t, HEALTHY, [], { crashBetweenWritesRate: 1 });
    const crashed = await t.request("POST", "/orders", {
      session: BROKEN,
      body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
    });
    expect(crashed.status).toBe(500);
    expect(crashed.body.code).toBe("INTERNAL");
    const created = (await eventsOf(t, BROKEN)).filter((e) => e.type === "ORDER_CREATED");
    expect(created).toHaveLength(1);
    const orphan = created[0]?.orderId ?? "";
    expect((await t.request("GET", `/orders/${orphan}`, { session: BROKEN })).status).toBe(404);
    const expected = expect.objectContaining({ invariant: "no_orphan_events", subject: orphan, causedBy: [created[0]?.seq] });
    expect(await violationsOf(t, BROKEN)).toEqual([expected]);
    await place(t, HEALTHY, { items: [{ product: "mouse", quantity: 1 }] });
    t.settle();
    // The saga ran for an order that never existed: its event is still the orphan.
    expect(named(await violationsOf(t, BROKEN), "no_orphan_events")).toEqual([expected]);
    expect(await violationsOf(t, HEALTHY)).toEqual([]);
    // Without a crash the dual write happens to land: the order exists and the books balance.
    await t.request("PATCH", "/settings", { session: BROKEN, body: { crashBetweenWritesRate: 0 } });
    const landed = await place(t, BROKEN, { items: [{ product: "keyboard", quantity: 1 }] });
    t.settle();
    expect((await t.request("GET", `/orders/${landed}`, { session: BROKEN })).body.status).toBe("COMPLETED");
    expect((await violationsOf(t, BROKEN)).map((v) => v.subject)).toEqual([orphan]);
  });

  test("absoluteStockWrites: two sagas confirmed between each other's read and write lose an update (stock_conserved)", async () => {
    const { t, broken, healthy } = await inBothSessions(["absoluteStockWrites"], async (t, session) => {
      await place(t, session, { items: [{ product: "mouse", quantity: 2 }] });
      await place(t, session, { items: [{ product: "mouse", quantity: 3 }] });
      t.settle();
    });
    expect(healthy).toEqual([]);
    const confirmations = seqsOf(await eventsOf(t, BROKEN), "INVENTORY_CONFIRMED");
    expect(confirmations).toHaveLength(2);
    expect(broken).toEqual([expect.objectContaining({ invariant: "stock_conserved", subject: "mouse", causedBy: confirmations })]);
    const stock = (product: string, session: string) =>
      t.deps.db.$client.query("SELECT stock_level AS level FROM products WHERE session_id = ? AND id = ?").get(session, product) as {
        level: number;
      };
    expect(stock("mouse", HEALTHY).level - stock("mouse", BROKEN).level).toBe(-2);
  });

  test("noSemanticLock: a payment's confirmation after the cancel handed the stock back still completes the sale (completed_pairing)", async () => {
    let orderId = "";
    const { t, broken, healthy } = await inBothSessions(
      ["noSemanticLock"],
      async (t, session) => {
        const id = await place(t, session, { items: [{ product: "mouse", quantity: 2 }] });
        if (session === BROKEN) orderId = id;
        t.relay.runDue();
        await deliverHeld(t, "inventory.reserveStockWhenOrderCreated", session);
        await deliverHeld(t, "orders.markProcessingWhenStockReserved", session);
        await deliverHeld(t, "payments.openPaymentWhenStockReserved", session);
        await deliverHeld(t, "payments.chargeWhenStockReserved", session);
        expect((await t.request("POST", `/orders/${id}/cancel?wait=0`, { session })).status).toBe(200);
        t.relay.runDue();
        // The whole cancel runs first (stock handed back, money refunded, order cancelled) ...
        await deliverAllHeldBut(t, session, "inventory.confirmReservationWhenPaid");
        expect((await t.request("GET", `/orders/${id}`, { session })).body.status).toBe("CANCELLED");
        // ... and the confirmation the charge asked for arrives after it.
        await deliverHeld(t, "inventory.confirmReservationWhenPaid", session);
        await t.request("PATCH", "/settings", { session, body: { stepMode: false } });
        t.settle();
      },
      { stepMode: true },
    );
    expect(healthy).toEqual([]);
    const events = await eventsOf(t, BROKEN);
    const causes = [
      ...seqsOf(events, "ORDER_CANCELLATION_REQUESTED", orderId),
      ...seqsOf(events, "INVENTORY_RELEASED", orderId).slice(0, 1),
      ...seqsOf(events, "INVENTORY_CONFIRMED", orderId),
    ];
    expect(causes).toHaveLength(3);
    expect(named(broken, "completed_pairing")).toEqual([expect.objectContaining({ subject: orderId, causedBy: causes })]);
  });
});

describe("a scenario's interleaving, driven in-process", () => {
  /** What a scenario runner does: switches set through the server's knobs, the bus stepped by reaction, one order after another. */
  async function lostUpdate() {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    t.knobs.change("test-session", { bugs: ["absoluteStockWrites"], stepMode: true });
    const a = await place(t, "test-session", { items: [{ product: "mouse", quantity: 2 }] });
    const b = await place(t, "test-session", { items: [{ product: "mouse", quantity: 3 }] });
    t.relay.runDue();
    for (const reaction of ["inventory.reserveStockWhenOrderCreated", "inventory.reserveStockWhenOrderCreated"]) {
      await deliverHeld(t, reaction);
    }
    t.knobs.change("test-session", { stepMode: false });
    t.settle();
    const events = (await eventsOf(t, "test-session")).map(({ seq, type, orderId }) => ({
      seq,
      type,
      order: orderId === a ? "a" : orderId === b ? "b" : orderId,
    }));
    return { events, violations: await violationsOf(t, "test-session") };
  }

  test("the same run gives the same events and the same violations", async () => {
    const first = await lostUpdate();
    expect(first.violations.map((v) => v.invariant)).toEqual(["stock_conserved"]);
    expect(await lostUpdate()).toEqual(first);
  });
});
