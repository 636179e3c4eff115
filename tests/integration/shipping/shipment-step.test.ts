import { describe, expect, test } from "bun:test";
import { dumpDomainTables } from "../../support/db-snapshot";
import { orderOf, productOf, stepsOf } from "../../support/reads";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

const eventsOf = async (t: TestApp, orderId: string) =>
  (await t.request("GET", `/orders/${orderId}/events`)).body as { seq: number; type: string; data: Record<string, unknown> }[];
const typesOf = async (t: TestApp, orderId: string) => (await eventsOf(t, orderId)).map((e) => e.type);
const shipments = async (t: TestApp) => (await t.request("GET", "/shipments")).body;
const paymentOf = async (t: TestApp, orderId: string) =>
  (await t.request("GET", "/payments")).body.find((p: { order_id: string }) => p.order_id === orderId);
const consistency = async (t: TestApp) => (await t.request("GET", "/consistency")).body;

/** A seeded session with the shipment step on. */
async function withShipmentStep(settings: Record<string, unknown> = {}) {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  expect((await t.request("PATCH", "/settings", { body: { shipmentStep: true, ...settings } })).status).toBe(200);
  return t;
}

describe("with the shipment step, the order is shipped after its payment and only then confirmed", () => {
  test("5 Mouse Pads: paid, shipped, stock confirmed, COMPLETED; GET /shipments shows the shipment", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 2_000 });
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } });
    expect(placed.shippingBehaviour).toBe("success");

    t.relay.runDue();
    // Paid, not shipped yet: the stock is still only held and the order still PROCESSING.
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "PROCESSING" });
    expect((await paymentOf(t, placed.id)).status).toBe("SUCCESS");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 5 });
    expect(await shipments(t)).toEqual([]);

    t.clock.advance(2_000);
    t.relay.runDue();
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "COMPLETED", totalCents: 12495 });
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 49, reserved: 0 });
    const [shipment] = await shipments(t);
    expect(shipment).toEqual({
      id: expect.stringMatching(/^shp_/),
      orderId: placed.id,
      status: "CREATED",
      reason: null,
      createdAt: shipment.createdAt,
      updatedAt: shipment.updatedAt,
    });
    expect(await typesOf(t, placed.id)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_SUCCESS",
      "SHIPMENT_CREATED",
      "INVENTORY_CONFIRMED",
      "ORDER_COMPLETED",
    ]);
    // Inventory listened to SHIPMENT_CREATED, not to PAYMENT_SUCCESS.
    const reactions = (await t.request("GET", `/orders/${placed.id}/deliveries`)).body.map((d: { reaction: string }) => d.reaction);
    expect(reactions).toContain("inventory.confirmReservationWhenShipped");
    expect(reactions).toContain("shipping.shipOrderWhenPaid");
    expect(reactions).not.toContain("inventory.confirmReservationWhenPaid");
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });

  test("an order placed with skipDemoDelays is shipped without the shipping delay", async () => {
    const t = await withShipmentStep({ shippingDelayMs: 60_000 });
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.relay.runDue();
    expect((await orderOf(t, placed.id)).status).toBe("COMPLETED");
  });
});

describe("a failed shipment is compensated: the payment refunded, the stock released", () => {
  test("shippingBehaviour failure: SHIPMENT_FAILED, order CANCELLED shipment_failed, payment REFUNDED, stock back", async () => {
    const t = await withShipmentStep();
    const { body: placed } = await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "failure" } });
    t.settle();

    expect(await orderOf(t, placed.id)).toMatchObject({
      status: "CANCELLED",
      cancellationSource: "shipment_failed",
      shippingBehaviour: "failure",
    });
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    const [shipment] = await shipments(t);
    expect(shipment).toMatchObject({ orderId: placed.id, status: "FAILED", reason: expect.stringContaining("shippingBehaviour: failure") });
    const types = await typesOf(t, placed.id);
    expect(types.slice(0, 5)).toEqual(["ORDER_CREATED", "INVENTORY_RESERVED", "PAYMENT_SUCCESS", "SHIPMENT_FAILED", "INVENTORY_RELEASED"]);
    expect(types.slice(5).sort()).toEqual(["ORDER_CANCELLED", "PAYMENT_REFUNDED"]);
    const released = (await eventsOf(t, placed.id)).find((e) => e.type === "INVENTORY_RELEASED");
    expect(released?.data.cause).toBe("shipment_failed");
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });

  test("shippingFailureRate 1 fails an order that asks for no shipping behaviour; an explicit success still ships", async () => {
    const t = await withShipmentStep({ shippingFailureRate: 1 });
    const { body: asksNothing } = await t.request("POST", "/orders", { body: fiveMousePads });
    const { body: asksSuccess } = await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "success" } });
    t.settle();
    expect(await orderOf(t, asksNothing.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "shipment_failed" });
    expect(await orderOf(t, asksSuccess.id)).toMatchObject({ status: "COMPLETED" });
    const byOrder = new Map((await shipments(t)).map((s: { orderId: string; status: string; reason: string }) => [s.orderId, s]));
    expect(byOrder.get(asksNothing.id)).toMatchObject({ status: "FAILED", reason: expect.stringContaining("shippingFailureRate is 1") });
    expect(byOrder.get(asksSuccess.id)).toMatchObject({ status: "CREATED" });
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });
});

describe("cancelling a shipped order calls the shipment back, with the refund and the stock", () => {
  test("a COMPLETED shipped order cancelled: SHIPMENT_CANCELLED, payment REFUNDED, units back on the shelf", async () => {
    const t = await withShipmentStep();
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    expect((await orderOf(t, placed.id)).status).toBe("COMPLETED");

    expect((await t.request("POST", `/orders/${placed.id}/cancel?wait=0`)).status).toBe(200);
    t.settle();
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect((await shipments(t))[0]).toMatchObject({ status: "CANCELLED", reason: expect.stringContaining("Order cancelled") });
    const types = await typesOf(t, placed.id);
    expect(types).toContain("SHIPMENT_CANCELLED");
    expect(types).toContain("INVENTORY_RESTOCKED");
    expect(types.filter((type) => type === "SHIPMENT_CANCELLED")).toHaveLength(1);
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });

  test("shipped but not yet confirmed (step mode holds inventory): the cancel releases the stock and calls the shipment back", async () => {
    const t = await withShipmentStep({ stepMode: true });
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.relay.runDue();
    await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
    await deliverHeld(t, "payments.chargeWhenStockReserved");
    await deliverHeld(t, "shipping.shipOrderWhenPaid");
    expect((await shipments(t))[0].status).toBe("CREATED");

    await t.request("POST", `/orders/${placed.id}/cancel?wait=0`);
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect((await shipments(t))[0].status).toBe("CANCELLED");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });

  test("cancelled before it was shipped: nothing is shipped, ever", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 10_000 });
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } });
    t.relay.runDue();
    await t.request("POST", `/orders/${placed.id}/cancel?wait=0`);
    t.settle();
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "customer" });
    expect(await shipments(t)).toEqual([]);
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });
});

describe("the order's timeout and the reservation's expiry keep working with the step", () => {
  test("an order not shipped by its deadline is cancelled (timeout), refunded, its stock released; the late shipment never happens", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 60_000, orderTimeoutMs: 5_000 });
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } });
    t.settle();
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(await shipments(t)).toEqual([]);
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });

  test("a reservation that expires while the order waits for shipping is released; the order times out, refunded, never shipped", async () => {
    const t = await withShipmentStep({ inventoryDelayMs: 0, paymentDelayMs: 0, shippingDelayMs: 10_000, reservationTtlMs: 3_000 });
    const { body: placed } = await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }] } });
    t.settle();
    const released = (await eventsOf(t, placed.id)).find((e) => e.type === "INVENTORY_RELEASED");
    expect(released?.data).toMatchObject({ cause: "timeout", reason: "expired" });
    expect(await orderOf(t, placed.id)).toMatchObject({ status: "CANCELLED", cancellationSource: "timeout" });
    expect((await paymentOf(t, placed.id)).status).toBe("REFUNDED");
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(await shipments(t)).toEqual([]);
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });
});

describe("a duplicate delivery changes nothing", () => {
  test("every event of a shipped saga, and of a failed shipment, delivered again: the tables are as they were", async () => {
    const t = await withShipmentStep();
    const { body: shipped } = await t.request("POST", "/orders", { body: fiveMousePads });
    const { body: failed } = await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "failure" } });
    t.settle();
    const before = dumpDomainTables(t.deps.db);
    for (const orderId of [shipped.id, failed.id]) {
      for (const { seq } of await eventsOf(t, orderId)) {
        expect((await t.request("POST", `/events/${seq}/redeliver`)).status).toBe(200);
      }
    }
    t.settle();
    expect(dumpDomainTables(t.deps.db)).toEqual(before);
    const outcomes = (await t.request("GET", `/orders/${shipped.id}/deliveries`)).body
      .filter((d: { reaction: string }) => d.reaction.startsWith("shipping."))
      .map((d: { outcome: string }) => d.outcome);
    expect(outcomes).toEqual(["applied", "duplicate_ignored"]);
  });
});

describe("with the step off (the default), the flow is SWAP's, unchanged", () => {
  test("the same events as ever, no shipment, no shipping delivery, and no shipment field anywhere", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { body: ok } = await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "failure" } });
    const { body: declined } = await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } });
    t.settle();
    const { body: cancelled } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    await t.request("POST", `/orders/${cancelled.id}/cancel?wait=0`);
    t.settle();

    expect(await typesOf(t, ok.id)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_SUCCESS",
      "INVENTORY_CONFIRMED",
      "ORDER_COMPLETED",
    ]);
    expect(await typesOf(t, declined.id)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_FAILED",
      "INVENTORY_RELEASED",
      "ORDER_CANCELLED",
    ]);
    expect(await orderOf(t, ok.id)).not.toHaveProperty("shippingBehaviour");
    expect(await shipments(t)).toEqual([]);
    for (const order of [ok, declined, cancelled]) {
      for (const event of await eventsOf(t, order.id)) {
        expect(event.data).not.toHaveProperty("shipment");
        expect(event.data).not.toHaveProperty("shipmentStep");
      }
      const reactions = (await t.request("GET", `/orders/${order.id}/deliveries`)).body.map((d: { reaction: string }) => d.reaction);
      expect(reactions.filter((r: string) => r.startsWith("shipping.") || r.includes("Shipment") || r.includes("Shipped"))).toEqual([]);
    }
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });
});

describe("the order keeps the step it was placed with", () => {
  test("the setting turned off mid-saga still ships the order placed with it; turned on, it does not ship one placed without", async () => {
    const t = await withShipmentStep({ stepMode: true });
    const { body: withStep } = await t.request("POST", "/orders", { body: fiveMousePads });
    await t.request("PATCH", "/settings", { body: { shipmentStep: false } });
    const { body: without } = await t.request("POST", "/orders", { body: fiveMousePads });
    await t.request("PATCH", "/settings", { body: { shipmentStep: true, stepMode: false } });
    t.settle();
    expect((await orderOf(t, withStep.id)).status).toBe("COMPLETED");
    expect((await orderOf(t, without.id)).status).toBe("COMPLETED");
    expect((await shipments(t)).map((s: { orderId: string }) => s.orderId)).toEqual([withStep.id]);
    expect(await typesOf(t, without.id)).not.toContain("SHIPMENT_CREATED");
  });
});

describe("GET /shipments", () => {
  test("is per session, newest first, paged like the other lists", async () => {
    const t = await withShipmentStep();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await t.request("POST", "/orders", { body: fiveMousePads })).body.id);
      t.settle();
      t.clock.advance(1);
    }
    const first = await t.request("GET", "/shipments?limit=2");
    expect(first.body.map((s: { orderId: string }) => s.orderId)).toEqual([ids[2], ids[1]]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
    expect(next).toBeString();
    const rest = await t.request("GET", new URL(next ?? "", "http://x").pathname + new URL(next ?? "", "http://x").search);
    expect(rest.body.map((s: { orderId: string }) => s.orderId)).toEqual([ids[0]]);
    expect((await t.request("GET", "/shipments", { session: "another" })).body).toEqual([]);
    expect((await t.request("GET", "/shipments", { session: null })).status).toBe(400);
  });
});

describe("an orders reset mid-shipment", () => {
  test("a saga shipped but not confirmed is compensated: shipment called back, stock released, payment refunded", async () => {
    const t = await withShipmentStep({ stepMode: true });
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.relay.runDue();
    await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
    await deliverHeld(t, "payments.chargeWhenStockReserved");
    await deliverHeld(t, "shipping.shipOrderWhenPaid");
    expect((await t.request("POST", "/orders/reset")).status).toBe(200);
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect((await shipments(t)).map((s: { status: string }) => s.status)).toEqual(["CANCELLED"]);
    expect((await t.request("GET", "/payments")).body.map((p: { status: string }) => p.status)).toEqual(["REFUNDED"]);
    expect(await productOf(t, "mouse-pad")).toMatchObject({ stock_level: 54, reserved: 0 });
    expect(await consistency(t)).toEqual({ consistent: true, violations: [] });
  });
});

describe("the dashboard", () => {
  test("shows the shipments beside the payments, and the knobs panel the shipment step and the shipping failure rate", async () => {
    const t = await withShipmentStep();
    const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const panel = await t.request("GET", "/dashboard/shipments");
    expect(panel.status).toBe(200);
    expect(panel.text).toContain(`data-order-id="${placed.id}" data-status="CREATED"`);
    const page = await t.request("GET", "/?session=test-session");
    expect(page.text).toContain('id="shipments-panel"');
    const knobs = await t.request("GET", "/dashboard/knobs");
    expect(knobs.text).toMatch(/name="shipmentStep" value="on" checked/);
    expect(knobs.text).toContain('name="shippingFailureRate"');
    expect(knobs.text).toContain('name="shippingDelayMs"');
  });
});

describe("the metrics", () => {
  test("count shipping's deliveries by reaction and a failed shipment's saga by its reason", async () => {
    const t = await withShipmentStep();
    await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "failure" } });
    t.settle();
    const metrics = (await t.request("GET", "/metrics", { session: null })).text;
    expect(metrics).toMatch(/saga_finished_total\{[^}]*outcome="cancelled",reason="shipment_failed"[^}]*\} 1\n/);
    expect(metrics).toContain('bus_deliveries_total{reaction="shipping.shipOrderWhenPaid",outcome="applied"} 1');
    expect(metrics).toContain('bus_deliveries_total{reaction="inventory.releaseReservationWhenShipmentFailed",outcome="applied"} 1');
  });
});

describe("GET /sagas/:id shows the shipment step in choreography as the orchestrator's log does", () => {
  /** Each style's steps after a shipped order, a failed shipment and a shipped order cancelled. */
  async function stepsInStyle(sagaStyle: "choreography" | "orchestration") {
    const t = await withShipmentStep({ sagaStyle });
    const shipped = (await t.request("POST", "/orders", { body: fiveMousePads })).body;
    const failed = (await t.request("POST", "/orders", { body: { ...fiveMousePads, shippingBehaviour: "failure" } })).body;
    const cancelled = (await t.request("POST", "/orders", { body: fiveMousePads })).body;
    t.settle();
    expect((await t.request("POST", `/orders/${cancelled.id}/cancel?wait=0`)).status).toBe(200);
    t.settle();
    return {
      shipped: await stepsOf(t, shipped.sagaId),
      failed: await stepsOf(t, failed.sagaId),
      cancelled: await stepsOf(t, cancelled.sagaId),
    };
  }

  test("shipped, failed shipment, shipped then cancelled: the same steps in both styles, CREATE_SHIPMENT among them", async () => {
    const choreography = await stepsInStyle("choreography");
    expect(choreography.shipped).toEqual([
      "RESERVE_INVENTORY:done",
      "PROCESS_PAYMENT:done",
      "CREATE_SHIPMENT:done",
      "CONFIRM_RESERVATION:done",
    ]);
    expect(choreography.failed).toEqual([
      "RESERVE_INVENTORY:compensated",
      "PROCESS_PAYMENT:compensated",
      "CREATE_SHIPMENT:failed",
      "CONFIRM_RESERVATION:skipped",
    ]);
    expect(choreography).toEqual(await stepsInStyle("orchestration"));
  });
});
