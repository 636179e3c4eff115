import { describe, expect, test } from "bun:test";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, fiveMousePads } from "../../support/test-app";

const scrape = async (t: ReturnType<typeof createTestApp>) => {
  const answer = await t.request("GET", "/metrics", { session: null });
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toContain("text/plain");
  return parsePrometheus(answer.text);
};

describe("GET /metrics", () => {
  test("needs no session and parses cleanly as Prometheus text", async () => {
    const t = createTestApp();
    const samples = await scrape(t);
    expect(samples.length).toBeGreaterThan(0);
  });

  test("every series moves when sagas run, and no label names a session, an order or a raw path", async () => {
    const t = createTestApp();
    const before = await scrape(t);
    await t.request("POST", "/inventory/seed");
    const completed = await t.request("POST", "/orders", { body: fiveMousePads });
    await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } });
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 99 }], skipDemoDelays: true } });
    // The relay is behind: an order is due and nothing has delivered it yet.
    t.clock.advance(2_000);
    const behind = await scrape(t);
    expect(sampleValue(behind, "bus_relay_lag_seconds")).toBeGreaterThanOrEqual(2);
    expect(sampleValue(behind, "bus_relay_pending")).toBeGreaterThan(0);
    t.settle(t.clock.now() + 60_000);
    // A duplicate, and a reaction that keeps failing until it is dead-lettered.
    const created = ((await t.request("GET", `/orders/${completed.body.id}/events`)).body as { seq: number; type: string }[]).find(
      (e) => e.type === "ORDER_CREATED",
    );
    await t.request("POST", `/events/${created?.seq}/redeliver`);
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle(t.clock.now() + 120_000);
    await t.request("GET", `/orders/${completed.body.id}`);
    const stream = await t.app.request("/events/stream", { headers: { "x-session-id": "test-session" } });
    const after = await scrape(t);
    await stream.body?.cancel();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved("saga_started_total")).toBe(4);
    expect(moved("saga_finished_total", { outcome: "completed", reason: "none" })).toBe(1);
    expect(moved("saga_finished_total", { outcome: "cancelled", reason: "payment_failed" })).toBe(1);
    expect(moved("saga_finished_total", { outcome: "cancelled", reason: "inventory_depleted" })).toBe(1);
    expect(moved("saga_duration_seconds_count", { outcome: "completed" })).toBe(1);
    expect(moved("saga_duration_seconds_count", { outcome: "cancelled" })).toBe(2);
    expect(moved("saga_duration_seconds_sum", { outcome: "completed" })).toBeGreaterThan(0);
    expect(moved("bus_events_total", { type: "ORDER_CREATED" })).toBe(4);
    expect(moved("bus_events_total", { type: "PAYMENT_SUCCESS" })).toBe(1);
    expect(moved("inventory_reservation_conflicts_total")).toBe(1);
    expect(moved("bus_deliveries_total", { reaction: "inventory.reserveStockWhenOrderCreated", outcome: "applied" })).toBe(3);
    expect(moved("bus_deliveries_total", { reaction: "inventory.reserveStockWhenOrderCreated", outcome: "duplicate_ignored" })).toBe(1);
    expect(moved("bus_deliveries_total", { outcome: "failed" })).toBeGreaterThan(0);
    expect(moved("bus_deliveries_total", { outcome: "dead_lettered" })).toBeGreaterThan(0);
    expect(moved("http_request_duration_seconds_count", { method: "POST", route: "/orders", status: "200" })).toBe(4);
    expect(moved("http_request_duration_seconds_count", { method: "GET", route: "/orders/:id", status: "200" })).toBe(1);
    expect(sampleValue(after, "bus_relay_lag_seconds")).toBe(0);
    expect(sampleValue(after, "event_streams_open")).toBe(1);
    expect(sampleValue(after, "sessions")).toBe(1);

    const labelValues = after.flatMap((s) => Object.values(s.labels));
    for (const secret of ["test-session", completed.body.id as string]) expect(labelValues.some((v) => v.includes(secret))).toBe(false);
    const routes = new Set(after.filter((s) => s.labels.route !== undefined).map((s) => s.labels.route));
    expect([...routes].every((route) => route === "unmatched" || route?.startsWith("/"))).toBe(true);
  });

  test("an unknown path is timed as `unmatched`, never by its raw path", async () => {
    const t = createTestApp();
    await t.request("GET", "/no/such/path/made-up-123");
    const samples = await scrape(t);
    expect(sampleValue(samples, "http_request_duration_seconds_count", { route: "unmatched", status: "404" })).toBe(1);
    expect(JSON.stringify(samples)).not.toContain("made-up-123");
  });
});
