import { describe, expect, test } from "bun:test";
import { parsePrometheus, sampleValue } from "../../support/prometheus";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * The same three orders placed in each saga style, side by side in one session: each style
 * ends them the same way (completed, payment declined, out of stock), through the same
 * inventory and payment rules, and the books balance across all of them.
 */
const styles = ["choreography", "orchestration", "rpc"] as const;
type Style = (typeof styles)[number];

const scenarios = {
  success: { body: { items: [{ product: "mouse-pad", quantity: 5 }] }, status: "COMPLETED", cancellationSource: null },
  paymentFailure: {
    body: { items: [{ product: "monitor", quantity: 2 }], paymentBehaviour: "failure" },
    status: "CANCELLED",
    cancellationSource: "payment_failed",
  },
  outOfStock: { body: { items: [{ product: "laptop", quantity: 999 }] }, status: "CANCELLED", cancellationSource: "inventory_depleted" },
} as const;
type Scenario = keyof typeof scenarios;

/** The steps GET /sagas/:id answers for each scenario: the same in every style. */
const expectedSteps: Record<Scenario, string[]> = {
  success: ["RESERVE_INVENTORY:done", "PROCESS_PAYMENT:done", "CONFIRM_RESERVATION:done"],
  paymentFailure: ["RESERVE_INVENTORY:compensated", "PROCESS_PAYMENT:failed", "CONFIRM_RESERVATION:skipped"],
  outOfStock: ["RESERVE_INVENTORY:failed", "PROCESS_PAYMENT:skipped", "CONFIRM_RESERVATION:skipped"],
};

const session = "three-styles";
type Placed = { id: string; sagaId: string; status: string; sagaStyle: string };

async function placeEverything(t: TestApp): Promise<Map<string, Placed>> {
  await t.request("POST", "/inventory/seed", { session });
  const placed = new Map<string, Placed>();
  for (const style of styles) {
    for (const [name, scenario] of Object.entries(scenarios)) {
      const answer = await t.request("POST", "/orders", {
        session,
        body: { ...scenario.body, sagaStyle: style, skipDemoDelays: true },
      });
      expect(answer.status).toBe(200);
      // An rpc-style order is answered when its chain has ended; the others at once.
      expect(answer.body.status).toBe(style === "rpc" ? scenario.status : "PENDING");
      placed.set(`${style}:${name}`, answer.body);
    }
  }
  t.settle();
  return placed;
}

const stockOf = async (t: TestApp) =>
  new Map(
    ((await t.request("GET", "/inventory", { session })).body as { id: string; stock_level: number; reserved: number }[]).map((p) => [
      p.id,
      p,
    ]),
  );

describe("the same order in every saga style, side by side in one session", () => {
  test("each style ends each order as expected, with the same steps, and the books balance", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session });
    const before = await stockOf(t);
    const placed = await placeEverything(t);

    for (const style of styles) {
      for (const [name, scenario] of Object.entries(scenarios) as [Scenario, (typeof scenarios)[Scenario]][]) {
        const order = placed.get(`${style}:${name}`);
        if (!order) throw new Error(`no ${style} ${name} order`);
        const now = (await t.request("GET", `/orders/${order.id}`, { session })).body;
        expect({ style, name, status: now.status, cancellationSource: now.cancellationSource, sagaStyle: now.sagaStyle }).toEqual({
          style,
          name,
          status: scenario.status,
          cancellationSource: scenario.cancellationSource,
          sagaStyle: style,
        });
        const saga = (await t.request("GET", `/sagas/${order.sagaId}`, { session })).body;
        expect(saga).toMatchObject({ style, currentStep: null });
        expect({ style, name, steps: saga.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`) }).toEqual({
          style,
          name,
          steps: expectedSteps[name],
        });
      }
    }

    // Three success orders of 5 mouse pads sold; nothing else taken, nothing left reserved.
    const after = await stockOf(t);
    for (const [id, product] of after) {
      const sold = id === "mouse-pad" ? 3 * 5 : 0;
      expect({ id, stock: product.stock_level, reserved: product.reserved }).toEqual({
        id,
        stock: (before.get(id)?.stock_level ?? 0) - sold,
        reserved: 0,
      });
    }
    const payments = (await t.request("GET", "/payments", { session })).body as { status: string }[];
    expect(payments.map((p) => p.status).sort()).toEqual(["FAILED", "FAILED", "FAILED", "SUCCESS", "SUCCESS", "SUCCESS"]);
    const consistency = await t.request("GET", "/consistency", { session });
    expect(consistency.body).toEqual({ consistent: true, violations: [] });
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);

    // Each style's sagas are counted under its own name.
    const samples = parsePrometheus(await (await t.app.request("/metrics")).text());
    for (const style of styles) {
      expect({ style, started: sampleValue(samples, "saga_started_total", { style }) }).toEqual({ style, started: 3 });
      expect({ style, completed: sampleValue(samples, "saga_finished_total", { style, outcome: "completed" }) }).toEqual({
        style,
        completed: 1,
      });
    }
  });

  test("who takes part: an rpc saga's events reach no orchestrator and no participant's forward reaction", async () => {
    const t = createTestApp();
    const placed = await placeEverything(t);
    const reactionsOf = async (style: Style, name: Scenario) => {
      const order = placed.get(`${style}:${name}`);
      const log = (await t.request("GET", `/orders/${order?.id}/deliveries`, { session })).body as { reaction: string }[];
      return [...new Set(log.map((e) => e.reaction))].sort();
    };
    // The calls moved the saga; on the bus only the reservation's expiry and notifications (a
    // plain subscriber in every style) heard of it. The order's own deadline went when it completed.
    expect(await reactionsOf("rpc", "success")).toEqual([
      "inventory.releaseHeldReservationWhenExpired",
      "notifications.notifyOnOrderCompleted",
      "notifications.notifyOnOrderCreated",
    ]);
    // The chain's own cancel (ORDER_CANCELLED) is heard by the undoing reactions, which find
    // nothing left to give back: the chain already cancelled the reservation by a call.
    for (const name of ["paymentFailure", "outOfStock"] as const) {
      const reactions = await reactionsOf("rpc", name);
      expect(reactions.filter((r) => r.startsWith("orchestrator."))).toEqual([]);
      expect(reactions).not.toContain("inventory.reserveStockWhenOrderCreated");
      expect(reactions).not.toContain("payments.chargeWhenStockReserved");
      expect(reactions).toContain("notifications.notifyOnOrderCancelled");
    }
    // Choreography and orchestration keep to their own: no orchestrator in a choreographed saga,
    // no participant reacting to another's event in an orchestrated one.
    expect((await reactionsOf("choreography", "success")).filter((r) => r.startsWith("orchestrator."))).toEqual([]);
    expect(await reactionsOf("orchestration", "success")).not.toContain("inventory.reserveStockWhenOrderCreated");
  });
});

describe("the shipment step and the rpc style", () => {
  test("with shipmentStep on, an rpc-style order still runs seed 002's chain: it completes, nothing is shipped", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session });
    await t.request("PATCH", "/settings", { session, body: { shipmentStep: true } });
    const placed = await t.request("POST", "/orders", {
      session,
      body: { ...scenarios.success.body, sagaStyle: "rpc", skipDemoDelays: true },
    });
    expect(placed.body.status).toBe("COMPLETED");
    t.settle();
    expect((await t.request("GET", "/shipments", { session })).body).toEqual([]);
    const saga = (await t.request("GET", `/sagas/${placed.body.sagaId}`, { session })).body;
    expect(saga.steps.map((s: { name: string }) => s.name)).not.toContain("CREATE_SHIPMENT");
    expect(t.checkConsistency({ settled: true }).violations).toEqual([]);
  });
});
