import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, type TestApp } from "../../support/test-app";

const fivePads = { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true };

async function placed(t: TestApp, body: object = fivePads, session = "test-session") {
  const { body: order } = await t.request("POST", "/orders", { body, session });
  return order.id as string;
}

async function seeded() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  return t;
}

const stream = (t: TestApp, orderId: string) =>
  t.deps.db.$client
    .query("SELECT version, type FROM order_events WHERE order_id = ? ORDER BY version")
    .all(orderId)
    .map((row) => Object.values(row as object).join(" "));

describe("an order's stream", () => {
  test("a completed saga: created, processing, completed, versions 1 to 3; the row is at version 3", async () => {
    const t = await seeded();
    const id = await placed(t);
    t.settle();
    expect(stream(t, id)).toEqual(["1 ORDER_CREATED", "2 ORDER_PROCESSING_STARTED", "3 ORDER_COMPLETED"]);
    const answer = await t.request("GET", `/orders/${id}`);
    expect(answer.headers.get("etag")).toBe('"3"');
  });

  test("a cancel of a completed order: asked, then cancelled once the money came back", async () => {
    const t = await seeded();
    const id = await placed(t);
    t.settle();
    await t.request("POST", `/orders/${id}/cancel?wait=0`);
    t.settle();
    expect(stream(t, id).slice(3)).toEqual(["4 ORDER_CANCELLATION_REQUESTED", "5 ORDER_CANCELLED"]);
  });

  test("a stock reservation announced again for an order already cancelled records nothing on it", async () => {
    const t = await seeded();
    const id = await placed(t, { ...fivePads, inventoryBehaviour: "failure" });
    t.settle();
    expect(stream(t, id)).toEqual(["1 ORDER_CREATED", "2 ORDER_CANCELLED"]);
  });
});

describe("time travel: GET /orders/:id?version=N and GET /orders/:id/history", () => {
  test("each version is the order as it was after that event, and the last is the order now", async () => {
    const t = await seeded();
    const id = await placed(t);
    t.settle();
    const now = (await t.request("GET", `/orders/${id}`)).body;
    const history = (await t.request("GET", `/orders/${id}/history`)).body;
    expect(
      history.map((v: { version: number; type: string; state: { status: string; totalCents: number } }) => [
        v.version,
        v.type,
        v.state.status,
        v.state.totalCents,
      ]),
    ).toEqual([
      [1, "ORDER_CREATED", "PENDING", 0],
      [2, "ORDER_PROCESSING_STARTED", "PROCESSING", 12495],
      [3, "ORDER_COMPLETED", "COMPLETED", 12495],
    ]);
    expect(history[2].state).toEqual(now);
    expect(history[0].at).toBe(now.createdAt);
    for (const version of [1, 2, 3]) {
      expect((await t.request("GET", `/orders/${id}?version=${version}`)).body).toEqual(history[version - 1].state);
    }
  });

  test("a version the order has not reached is a 404; a version that is no version, or waited on, a 400", async () => {
    const t = await seeded();
    const id = await placed(t);
    const beyond = await t.request("GET", `/orders/${id}?version=2`);
    expect([beyond.status, beyond.body.code]).toEqual([404, "NOT_FOUND"]);
    expect(beyond.body.error).toContain("its stream is at version 1");
    for (const query of ["version=0", "version=-1", "version=1.5", "version=x", "version=1001", "version=1&wait=100"]) {
      const answer = await t.request("GET", `/orders/${id}?${query}`);
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, "VALIDATION_FAILED"]);
    }
    const unknown = await t.request("GET", "/orders/nope/history");
    expect([unknown.status, unknown.body.code]).toEqual([404, "NOT_FOUND"]);
  });

  test("another session's order has no history here", async () => {
    const t = await seeded();
    const id = await placed(t);
    const answer = await t.request("GET", `/orders/${id}/history`, { session: "someone-else" });
    expect([answer.status, answer.body.code]).toEqual([404, "NOT_FOUND"]);
    expect((await t.request("GET", `/orders/${id}?version=1`, { session: "someone-else" })).status).toBe(404);
  });
});

describe("POST /orders/projection/rebuild", () => {
  async function manySagas() {
    const t = await seeded();
    await placed(t);
    await placed(t, { ...fivePads, paymentBehaviour: "failure" });
    await placed(t, { ...fivePads, inventoryBehaviour: "failure" });
    await placed(t, { ...fivePads, sagaStyle: "orchestration" });
    const undone = await placed(t);
    t.settle();
    await t.request("POST", `/orders/${undone}/cancel?wait=0`);
    t.settle();
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const inFlight = await placed(t);
    return { t, inFlight };
  }

  test("rows rebuilt from the streams of every kind of saga come out identical, and answer the same", async () => {
    const { t } = await manySagas();
    const before = (await t.request("GET", "/orders")).body;
    const report = await t.request("POST", "/orders/projection/rebuild");
    expect(report.body).toEqual({ rebuilt: 6, identical: true, differences: [] });
    expect((await t.request("GET", "/orders")).body).toEqual(before);
  });

  test("a row that drifted from its stream is put back, and the answer names it and its columns", async () => {
    const { t, inFlight } = await manySagas();
    const rightly = (await t.request("GET", `/orders/${inFlight}`)).body;
    t.deps.db.$client.run("UPDATE orders SET status = 'COMPLETED', total_cents = 1 WHERE id = ?", [inFlight]);
    t.deps.db.$client.run("DELETE FROM order_items WHERE order_id = ?", [inFlight]);
    const report = (await t.request("POST", "/orders/projection/rebuild")).body;
    expect(report).toEqual({
      rebuilt: 6,
      identical: false,
      differences: [{ orderId: inFlight, fields: ["items", "status", "totalCents"] }],
    });
    expect((await t.request("GET", `/orders/${inFlight}`)).body).toEqual(rightly);
    expect((await t.request("POST", "/orders/projection/rebuild")).body.identical).toBe(true);
    // The saga goes on from the rebuilt row.
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect((await t.request("GET", `/orders/${inFlight}`)).body.status).toBe("COMPLETED");
  });

  test("a row lost from the read model comes back; a row no stream makes is dropped", async () => {
    const { t, inFlight } = await manySagas();
    const rightly = (await t.request("GET", `/orders/${inFlight}`)).body;
    t.deps.db.$client.run("DELETE FROM orders WHERE id = ?", [inFlight]);
    t.deps.db.$client.run(
      "INSERT INTO orders (id, session_id, saga_id, status, payment_behaviour, inventory_behaviour, skip_demo_delays, created_at, updated_at, version) VALUES ('ghost', 'test-session', 's', 'PENDING', 'success', 'success', 1, 0, 0, 1)",
    );
    const report = (await t.request("POST", "/orders/projection/rebuild")).body;
    expect(report.identical).toBe(false);
    expect(report.differences).toEqual(
      [
        { orderId: inFlight, fields: ["missing"] },
        { orderId: "ghost", fields: ["missing"] },
      ].sort((a, b) => a.orderId.localeCompare(b.orderId)),
    );
    expect((await t.request("GET", `/orders/${inFlight}`)).body).toEqual(rightly);
    expect((await t.request("GET", "/orders/ghost")).status).toBe(404);
  });

  test("it rebuilds this session's rows only", async () => {
    const t = await seeded();
    const theirs = await placed(t, fivePads, "other");
    t.deps.db.$client.run("UPDATE orders SET total_cents = 7 WHERE id = ?", [theirs]);
    await placed(t);
    expect((await t.request("POST", "/orders/projection/rebuild")).body).toMatchObject({ rebuilt: 1, identical: true });
    expect((await t.request("GET", `/orders/${theirs}`, { session: "other" })).body.totalCents).toBe(7);
  });

  test("an orders reset drops the streams with the rows", async () => {
    const { t } = await manySagas();
    await t.request("POST", "/orders/reset");
    expect(countAllRows(t.deps.db).order_events).toBe(0);
    expect((await t.request("POST", "/orders/projection/rebuild")).body).toEqual({ rebuilt: 0, identical: true, differences: [] });
  });
});

describe("optimistic concurrency: If-Match on POST /orders/:id/cancel", () => {
  test("a cancel that read an older version is refused (412), writes nothing and is counted", async () => {
    const t = await seeded();
    const id = await placed(t);
    const read = (await t.request("GET", `/orders/${id}`)).headers.get("etag") as string;
    expect(read).toBe('"1"');
    // The saga moves on after the customer read the order.
    t.settle();
    const moved = (await t.request("GET", `/orders/${id}`)).headers.get("etag");
    expect(moved).not.toBe(read);
    const rows = countAllRows(t.deps.db);
    const refused = await t.request("POST", `/orders/${id}/cancel?wait=0`, { headers: { "if-match": read } });
    expect([refused.status, refused.body.code]).toEqual([412, "VERSION_CONFLICT"]);
    expect(refused.body.error).toContain(`is at version ${JSON.parse(moved as string)}, not 1`);
    expect(countAllRows(t.deps.db)).toEqual(rows);
    const metrics = (await t.request("GET", "/metrics")).text;
    expect(sampleValue(parsePrometheus(metrics), "orders_stream_conflicts_total")).toBe(1);
    // With the version just read, the cancel goes through.
    const accepted = await t.request("POST", `/orders/${id}/cancel?wait=0`, { headers: { "if-match": `W/${moved}` } });
    expect(accepted.status).toBe(200);
  });

  test("an If-Match that is no version is a 400, and writes nothing", async () => {
    const t = await seeded();
    const id = await placed(t);
    const rows = countAllRows(t.deps.db);
    for (const tag of ["*", '"0"', '"abc"', "1,2", '"99999999"']) {
      const answer = await t.request("POST", `/orders/${id}/cancel?wait=0`, { headers: { "if-match": tag } });
      expect([tag, answer.status, answer.body.code]).toEqual([tag, 400, "VALIDATION_FAILED"]);
    }
    expect(countAllRows(t.deps.db)).toEqual(rows);
  });
});
