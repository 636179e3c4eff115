import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/platform/clock";
import { createTestApp } from "../../support/test-app";

/**
 * The database a server of commit fc898de wrote (tests/fixtures/legacy, made by its make.ts),
 * opened by today's code: every order must read exactly as that server answered for it.
 */
const fixtures = join(import.meta.dir, "../../fixtures/legacy");
type Order = { id: string; status: string; createdAt: string };
interface SessionAnswers {
  "GET /orders?limit=5": Order[][];
  "GET /orders/:id": Record<string, Order>;
}
const recorded = (await Bun.file(join(fixtures, "answers.json")).json()) as {
  sessions: { main: string; held: string; catalogOnly: string };
  orders: Record<string, { session: string; orderId: string }>;
  answers: Record<string, SessionAnswers>;
};
const dir = mkdtempSync(join(tmpdir(), "saga-legacy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const heldNames = ["heldPending", "heldProcessing", "heldOrchestrationPending"];
const recordedOrder = (name: string) => {
  const { session, orderId } = recorded.orders[name] ?? { session: "", orderId: "" };
  return recorded.answers[session]?.["GET /orders/:id"][orderId];
};

function openCopy() {
  const path = join(dir, `legacy-${crypto.randomUUID()}.sqlite`);
  copyFileSync(join(fixtures, "before-event-sourcing.sqlite"), path);
  // The clock starts where the old server stopped, so what it scheduled is not months overdue.
  const lastCreated = Math.max(
    ...Object.values(recorded.answers).flatMap((a) => Object.values(a["GET /orders/:id"]).map((o) => Date.parse(o.createdAt))),
  );
  return createTestApp({ databasePath: path, clock: new ManualClock(lastCreated) });
}

test("the fixture holds the lifecycle paths it names; the reset dropped the orders placed before it", () => {
  const outcome = (name: string) => {
    const order = recordedOrder(name) as (Order & { cancellationSource: string | null; sagaStyle: string }) | undefined;
    return order && [order.status, order.cancellationSource, order.sagaStyle];
  };
  expect(Object.fromEntries(Object.keys(recorded.orders).map((name) => [name, outcome(name)]))).toEqual({
    completedBeforeReset: undefined,
    inFlightAtReset: undefined,
    reservedAtReset: undefined,
    completedMultiLine: ["COMPLETED", null, "choreography"],
    inventoryFailure: ["CANCELLED", "inventory_depleted", "choreography"],
    outOfStock: ["CANCELLED", "inventory_depleted", "choreography"],
    paymentFailure: ["CANCELLED", "payment_failed", "choreography"],
    idempotencyKey: ["COMPLETED", null, "choreography"],
    cancelledAfterCompleted: ["CANCELLED", "customer", "choreography"],
    rpcCompleted: ["COMPLETED", null, "rpc"],
    rpcPaymentFailure: ["CANCELLED", "payment_failed", "rpc"],
    orchestrationCompleted: ["COMPLETED", null, "orchestration"],
    orchestrationPaymentFailure: ["CANCELLED", "payment_failed", "orchestration"],
    orchestrationShipped: ["COMPLETED", null, "orchestration"],
    orchestrationShipmentFailure: ["CANCELLED", "shipment_failed", "orchestration"],
    choreographyShipped: ["COMPLETED", null, "choreography"],
    choreographyShipmentFailure: ["CANCELLED", "shipment_failed", "choreography"],
    cancelledWhilePending: ["CANCELLED", "customer", "choreography"],
    cancelledWhileProcessing: ["CANCELLED", "customer", "choreography"],
    orderTimeout: ["CANCELLED", "timeout", "choreography"],
    reservationExpired: ["CANCELLED", "timeout", "choreography"],
    heldPending: ["PENDING", null, "choreography"],
    heldProcessing: ["PROCESSING", null, "choreography"],
    heldOrchestrationPending: ["PENDING", null, "orchestration"],
  });
});

test("today's code answers GET /orders/:id and every page of GET /orders byte for byte as the old server did", async () => {
  const t = openCopy();
  for (const [session, answers] of Object.entries(recorded.answers)) {
    for (const [id, order] of Object.entries(answers["GET /orders/:id"])) {
      const now = await t.request("GET", `/orders/${id}`, { session });
      expect([now.status, now.text]).toEqual([200, JSON.stringify(order)]);
    }
    let path: string | null = "/orders?limit=5";
    const pages: string[] = [];
    while (path) {
      const now = await t.request("GET", path, { session });
      expect(now.status).toBe(200);
      pages.push(now.text);
      path = /<([^>]+)>;\s*rel="next"/.exec(now.headers.get("link") ?? "")?.[1] ?? null;
    }
    expect(pages).toEqual(answers["GET /orders?limit=5"].map((page) => JSON.stringify(page)));
  }
  t.deps.db.$client.close();
});

test("the held sagas go on once step mode lets go: each completes, and every order that had ended reads as before", async () => {
  const t = openCopy();
  const { held } = recorded.sessions;
  expect((await t.request("PATCH", "/settings", { session: held, body: { stepMode: false } })).status).toBe(200);
  t.settle();
  expect(t.relayFailures).toEqual([]);
  const heldIds = heldNames.map((name) => recorded.orders[name]?.orderId);
  for (const [session, answers] of Object.entries(recorded.answers)) {
    for (const [id, order] of Object.entries(answers["GET /orders/:id"])) {
      const now = (await t.request("GET", `/orders/${id}`, { session })).body;
      if (!heldIds.includes(id)) {
        expect(now).toEqual(order);
        continue;
      }
      // What a held saga finishing moves: its status, completedAt, and (for one not yet priced by
      // its reservation) totalCents. Nothing else.
      const moving = { status: null, completedAt: null, totalCents: null };
      expect({ ...now, ...moving }).toEqual({ ...order, ...moving });
      expect([now.status, typeof now.completedAt, now.totalCents > 0]).toEqual(["COMPLETED", "string", true]);
    }
  }
  expect(t.relay.pendingCount()).toBe(0);
  t.deps.db.$client.close();
});

test("the upgrade gives every old order a stream whose fold is its row: the rebuild comes out identical, before and after the held sagas go on", async () => {
  const t = openCopy();
  const sqlite = t.deps.db.$client;
  expect(sqlite.query("SELECT count(*) AS n FROM orders WHERE version = 0").get()).toEqual({ n: 0 });
  const orderCount = (sqlite.query("SELECT count(*) AS n FROM orders").get() as { n: number }).n;
  const streams = sqlite.query("SELECT count(DISTINCT session_id || ' ' || order_id) AS n FROM order_events").get() as { n: number };
  expect(streams.n).toBe(orderCount);
  // Opened again, the upgraded database is left as it is: the upgrade runs once.
  const events = sqlite.query("SELECT count(*) AS n FROM order_events").get();
  const again = createTestApp({ databasePath: sqlite.filename });
  expect(again.deps.db.$client.query("SELECT count(*) AS n FROM order_events").get()).toEqual(events);
  again.deps.db.$client.close();
  const sessions = Object.keys(recorded.answers);
  for (const session of sessions) {
    const rebuild = (await t.request("POST", "/orders/projection/rebuild", { session })).body;
    expect([session, rebuild.identical, rebuild.differences]).toEqual([session, true, []]);
  }
  await t.request("PATCH", "/settings", { session: recorded.sessions.held, body: { stepMode: false } });
  t.settle();
  for (const session of sessions) {
    expect((await t.request("POST", "/orders/projection/rebuild", { session })).body).toMatchObject({ identical: true });
  }
  t.deps.db.$client.close();
});

test("an old order's history reads as its saga went: versions from its logged moves, the last one the order as recorded", async () => {
  const t = openCopy();
  const historyOf = async (name: string) => {
    const { session, orderId } = recorded.orders[name] as { session: string; orderId: string };
    return (await t.request("GET", `/orders/${orderId}/history`, { session })).body as { type: string; state: Order }[];
  };
  const types = async (name: string) => (await historyOf(name)).map((version) => version.type);
  expect(await types("completedMultiLine")).toEqual(["ORDER_CREATED", "ORDER_PROCESSING_STARTED", "ORDER_COMPLETED"]);
  expect(await types("inventoryFailure")).toEqual(["ORDER_CREATED", "ORDER_CANCELLED"]);
  expect(await types("cancelledAfterCompleted")).toEqual([
    "ORDER_CREATED",
    "ORDER_PROCESSING_STARTED",
    "ORDER_COMPLETED",
    "ORDER_CANCELLATION_REQUESTED",
    "ORDER_CANCELLED",
  ]);
  // Asked while PENDING, the stock was still reserved (and priced) before it went back: the log shows it in that order.
  expect(await types("cancelledWhilePending")).toEqual([
    "ORDER_CREATED",
    "ORDER_CANCELLATION_REQUESTED",
    "ORDER_PROCESSING_STARTED",
    "ORDER_CANCELLED",
  ]);
  expect(await types("heldPending")).toEqual(["ORDER_CREATED"]);
  for (const name of Object.keys(recorded.orders)) {
    const order = recordedOrder(name);
    if (!order) continue;
    expect([name, (await historyOf(name)).at(-1)?.state]).toEqual([name, order]);
  }
  t.deps.db.$client.close();
});
