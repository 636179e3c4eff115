import { describe, expect, test } from "bun:test";
import { EXPORT_LIST_LIMIT } from "../../../src/sessions/session-export";
import { createTestApp, type TestApp } from "../../support/test-app";

async function roomWork(t: TestApp, session: string) {
  await t.request("POST", "/inventory/seed", { session });
  await t.request("PATCH", "/session", { session, body: { name: `attendee ${session}` } });
  await t.request("PATCH", "/settings", { session, body: { shipmentStep: true } });
  const completed = await t.request("POST", "/orders", {
    session,
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
  });
  const declined = await t.request("POST", "/orders", {
    session,
    body: { items: [{ product: "keyboard", quantity: 2 }], paymentBehaviour: "failure", skipDemoDelays: true },
  });
  t.settle();
  // A saga left running in step mode: its next delivery is scheduled, held.
  await t.request("PATCH", "/settings", { session, body: { stepMode: true } });
  const running = await t.request("POST", "/orders", {
    session,
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
  });
  t.relay.runDue();
  return { completed: completed.body.id as string, declined: declined.body.id as string, running: running.body.id as string };
}

async function exportOf(t: TestApp, session: string | null) {
  const answer = await t.request("GET", "/session/export", { session });
  return answer;
}

describe("GET /session/export", () => {
  test("is the whole session as one JSON download, each row shaped as its own route answers it", async () => {
    const t = createTestApp();
    const ids = await roomWork(t, "alice");
    const answer = await exportOf(t, "alice");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("application/json");
    expect(answer.headers.get("content-disposition")).toBe('attachment; filename="saga-session-alice.json"');
    const doc = JSON.parse(answer.text);
    expect(doc.version).toBe(1);
    expect(doc.exportedAt).toBe(new Date(t.clock.now()).toISOString());
    expect(doc.session).toEqual({ sessionId: "alice", name: "attendee alice" });
    expect(doc.settings).toEqual((await t.request("GET", "/settings", { session: "alice" })).body);
    expect(doc.products).toEqual((await t.request("GET", "/inventory", { session: "alice" })).body);
    // Every order, as GET /orders/:id answers it, newest first.
    expect(doc.orders.map((o: { id: string }) => o.id)).toEqual([ids.running, ids.declined, ids.completed]);
    for (const order of doc.orders) expect(order).toEqual((await t.request("GET", `/orders/${order.id}`, { session: "alice" })).body);
    expect(doc.orders.map((o: { status: string }) => o.status)).toEqual(["PENDING", "CANCELLED", "COMPLETED"]);
    // The whole log, as GET /events answers it.
    expect(doc.events).toEqual((await t.request("GET", "/events?limit=1000", { session: "alice" })).body);
    expect(doc.events.length).toBeGreaterThan(10);
    expect(doc.payments).toEqual((await t.request("GET", "/payments", { session: "alice" })).body);
    expect(doc.shipments).toEqual((await t.request("GET", "/shipments", { session: "alice" })).body);
    expect(doc.shipments).toHaveLength(1);
    expect(doc.deliveries).toEqual((await t.request("GET", "/bus/deliveries", { session: "alice" })).body);
    expect(doc.deliveries.length).toBeGreaterThan(0);
    expect(doc.deadLetters).toEqual([]);
    // The running order's reservation is still held by step mode: none yet.
    expect(doc.reservations.map((r: { orderId: string }) => r.orderId)).toEqual([ids.declined, ids.completed]);
    expect(doc.notifications.length).toBeGreaterThan(0);
    expect(doc.sagas.map((s: { orderId: string }) => s.orderId)).toEqual([ids.running, ids.declined, ids.completed]);
    expect(doc.truncated).toEqual([]);
  });

  test("holds nothing of another session", async () => {
    const t = createTestApp();
    const alice = await roomWork(t, "alice");
    await roomWork(t, "bob");
    const text = (await exportOf(t, "bob")).text;
    for (const id of Object.values(alice)) expect(text).not.toContain(id);
    expect(text).not.toContain("attendee alice");
  });

  test("of a session with nothing in it is a valid, empty document", async () => {
    const t = createTestApp();
    const doc = JSON.parse((await exportOf(t, "new-one")).text);
    expect(doc.session).toEqual({ sessionId: "new-one", name: null });
    for (const list of [
      "products",
      "orders",
      "events",
      "payments",
      "shipments",
      "deliveries",
      "deadLetters",
      "reservations",
      "notifications",
      "sagas",
    ]) {
      expect(doc[list]).toEqual([]);
    }
    expect(doc.truncated).toEqual([]);
  });

  test("pages through a log longer than one page, and names a list cut at its limit", async () => {
    const t = createTestApp();
    // The `benchmark` session's catalog: 999 of each product.
    await t.request("POST", "/inventory/seed", { session: "benchmark" });
    for (let i = 0; i < EXPORT_LIST_LIMIT + 1; i += 1) {
      const product = i % 2 === 0 ? "mouse" : "keyboard";
      await t.request("POST", "/orders", { session: "benchmark", body: { items: [{ product, quantity: 1 }], skipDemoDelays: true } });
    }
    t.settle();
    const doc = JSON.parse((await exportOf(t, "benchmark")).text);
    expect(doc.orders).toHaveLength(EXPORT_LIST_LIMIT + 1);
    expect(doc.events.map((e: { seq: number }) => e.seq)).toEqual(doc.events.map((_: unknown, i: number) => i + 1));
    expect(doc.reservations).toHaveLength(EXPORT_LIST_LIMIT);
    expect(doc.truncated).toContain("reservations");
  }, 60_000);

  test("a link names the session as ?session= (a download cannot send a header)", async () => {
    const t = createTestApp();
    await roomWork(t, "alice");
    const answer = await t.request("GET", "/session/export?session=alice", { session: null });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).session.sessionId).toBe("alice");
    expect((await t.request("GET", "/session/export?session=no%20spaces", { session: null })).body.code).toBe("SESSION_INVALID");
  });

  test("without a valid session is a 400 with a code", async () => {
    const t = createTestApp();
    const answer = await exportOf(t, null);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("SESSION_REQUIRED");
  });
});
