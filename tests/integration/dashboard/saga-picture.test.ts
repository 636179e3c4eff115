import { describe, expect, test } from "bun:test";
import { publisherOf, type SagaEventType } from "../../../src/modules/events";
import { createTestApp, type TestApp } from "../../support/test-app";

type Attrs = Record<string, string>;

/** The attributes of every element of `html` that carries `marker` (an attribute name). */
function elementsWith(html: string, marker: string): Attrs[] {
  const tags = html.match(new RegExp(`<[a-z]+ [^>]*${marker}[^>]*>`, "g")) ?? [];
  return tags.map((tag) => Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string])));
}

interface LoggedDelivery {
  eventSeq: number;
  eventType: SagaEventType;
  reaction: string;
  outcome: string;
}

async function diagramOf(t: TestApp, orderId: string) {
  const res = await t.request("GET", `/dashboard/diagram?order=${orderId}`);
  expect(res.status).toBe(200);
  return res.text;
}

/** The diagram's delivery arrows are the log's attempts, each from the publisher's lane to the reaction's; its lanes are the modules that took part. */
async function expectDiagramMatchesLog(t: TestApp, orderId: string): Promise<{ html: string; log: LoggedDelivery[] }> {
  const html = await diagramOf(t, orderId);
  const log = (await t.request("GET", `/orders/${orderId}/deliveries`)).body as LoggedDelivery[];
  const events = (await t.request("GET", `/orders/${orderId}/events`)).body as { type: SagaEventType; data: { service?: string } }[];
  const arrows = elementsWith(html, 'data-arrow="delivery"');
  expect(arrows.map((a) => [a["data-event-seq"], a["data-event-type"], a["data-reaction"], a["data-outcome"]])).toEqual(
    log.map((d) => [String(d.eventSeq), d.eventType, d.reaction, d.outcome]),
  );
  for (const [arrow, d] of arrows.map((a, i) => [a, log[i]] as const)) {
    expect([arrow["data-from"], arrow["data-to"]]).toEqual([publisherOf(d?.eventType as SagaEventType), d?.reaction.split(".")[0]]);
  }
  // An RPC call's service is a lane too: the module it belongs to.
  const callees = events.flatMap((e) => (e.type === "RPC_CALL" ? [e.data.service?.split(".")[0]] : []));
  const lanes = new Set([...events.map((e) => publisherOf(e.type)), ...log.map((d) => d.reaction.split(".")[0]), ...callees]);
  expect(
    elementsWith(html, "data-lane=")
      .map((l) => l["data-lane"])
      .sort(),
  ).toEqual([...lanes].sort() as string[]);
  expect(html).toMatch(/<svg [^>]*aria-label="The saga&#39;s sequence diagram: [^"]*"/);
  expect(html).toMatch(/<svg [^>]*aria-label="The module map [^"]*"/);
  return { html, log };
}

async function place(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const placed = await t.request("POST", "/orders", {
    body: { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true, ...body },
  });
  expect([200, 201]).toContain(placed.status);
  return placed.body.id;
}

async function seeded(options: Parameters<typeof createTestApp>[0] = {}) {
  const t = createTestApp(options);
  await t.request("POST", "/inventory/seed");
  return t;
}

/** Settled, but short of the orders' 5-minute deadline. */
const settleSaga = (t: TestApp) => t.settle(t.clock.now() + 60_000);

describe("GET /dashboard/diagram: the picture of the followed saga", () => {
  test("without an order it says what to do, and still draws the module map", async () => {
    const t = await seeded();
    const res = await t.request("GET", "/dashboard/diagram?follow=newest");
    expect(res.text).toContain('<section id="diagram-panel"');
    expect(res.text).toContain("Place an order to see its saga drawn here");
    expect(res.text).toContain("data-map-edge=");
  });

  test("a completed saga: every delivery an arrow from the emitter to the reacting module, applied", async () => {
    const t = await seeded();
    const id = await place(t, {});
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    expect(elementsWith(html, 'data-arrow="delivery"').every((a) => a["data-outcome"] === "applied")).toBe(true);
    expect(html).not.toContain("data-compensation");
  });

  test("a failed payment: the compensation's arrows are marked as such", async () => {
    const t = await seeded();
    const id = await place(t, { paymentBehaviour: "failure" });
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    const compensating = elementsWith(html, "data-compensation=").map((a) => `${a["data-event-type"]} ${a["data-reaction"]}`);
    expect(compensating).toContain("PAYMENT_FAILED inventory.releaseReservationWhenPaymentFailed");
  });

  test("out of stock: inventory answers INVENTORY_FAILED and orders cancels; nothing is charged", async () => {
    const t = await seeded();
    const id = await place(t, { items: [{ product: "mouse-pad", quantity: 5000 }] });
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    expect(html).toContain('data-event-type="INVENTORY_FAILED"');
    expect(html).not.toContain('data-event-type="PAYMENT_SUCCESS"');
  });

  test("cancelled after completion: the refund and the restock are drawn as compensations after the completion", async () => {
    const t = await seeded();
    const id = await place(t, {});
    settleSaga(t);
    await t.request("POST", `/orders/${id}/cancel?wait=0`);
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    const types = elementsWith(html, 'data-arrow="delivery"').map((a) => a["data-event-type"]);
    expect(types.indexOf("ORDER_COMPLETED")).toBeLessThan(types.indexOf("ORDER_CANCELLATION_REQUESTED"));
    const compensating = elementsWith(html, "data-compensation=").map((a) => a["data-event-type"]);
    expect(compensating).toEqual(expect.arrayContaining(["INVENTORY_RESTOCKED", "PAYMENT_REFUNDED"]));
  });

  test("dead-lettered: the failed attempts and the dead letter are arrows with their outcome", async () => {
    const t = await seeded();
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    const id = await place(t, {});
    settleSaga(t);
    const { html, log } = await expectDiagramMatchesLog(t, id);
    expect(log.some((d) => d.outcome === "dead_lettered")).toBe(true);
    const outcomes = new Set(elementsWith(html, 'data-arrow="delivery"').map((a) => a["data-outcome"]));
    expect([...outcomes].sort()).toEqual(["dead_lettered", "failed"]);
    expect(html).toContain("dead-lettered after");
  });

  test("a delivery still to come is a ghost with its countdown, or held by step mode", async () => {
    const t = await seeded({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    const id = await place(t, { skipDemoDelays: false });
    t.relay.runDue();
    const scheduled = elementsWith(await diagramOf(t, id), 'data-arrow="upcoming"');
    expect(scheduled).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ "data-reaction": "inventory.reserveStockWhenOrderCreated", "data-outcome": "scheduled" }),
      ]),
    );
    expect(await diagramOf(t, id)).toContain("ORDER_CREATED · due in 3.0 s");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    t.clock.advance(3_000);
    t.relay.runDue();
    const held = elementsWith(await diagramOf(t, id), 'data-arrow="upcoming"');
    expect(held.find((a) => a["data-reaction"] === "inventory.reserveStockWhenOrderCreated")?.["data-outcome"]).toBe("held");
  });

  test("an orchestrated saga: commands leave the orchestrator's lane and replies come back to it", async () => {
    const t = await seeded();
    const id = await place(t, { sagaStyle: "orchestration" });
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    const arrows = elementsWith(html, 'data-arrow="delivery"');
    expect(arrows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ "data-event-type": "RESERVE_INVENTORY", "data-from": "orchestrator", "data-to": "inventory" }),
        expect.objectContaining({ "data-event-type": "INVENTORY_RESERVED", "data-from": "inventory", "data-to": "orchestrator" }),
        expect.objectContaining({ "data-event-type": "COMPLETE_ORDER", "data-from": "orchestrator", "data-to": "orders" }),
      ]),
    );
  });

  test("an rpc-style saga: each call is a request arrow and a response arrow between orders and the service", async () => {
    const t = await seeded();
    const id = await place(t, { sagaStyle: "rpc" });
    settleSaga(t);
    const { html } = await expectDiagramMatchesLog(t, id);
    const calls = (await t.request("GET", `/orders/${id}/events`)).body.filter((e: { type: string }) => e.type === "RPC_CALL");
    const requests = elementsWith(html, 'data-arrow="rpc-request"');
    const responses = elementsWith(html, 'data-arrow="rpc-response"');
    expect(requests.map((a) => `${a["data-from"]}>${a["data-to"]} ${a["data-reaction"]}`)).toEqual(
      calls.map((c: { data: { service: string; method: string } }) => `orders>${c.data.service.split(".")[0]} ${c.data.method}`),
    );
    expect(responses.map((a) => `${a["data-from"]}>${a["data-to"]} ${a["data-outcome"]}`)).toEqual(
      calls.map((c: { data: { service: string } }) => `${c.data.service.split(".")[0]}>orders answered`),
    );
  });

  test("?arrow= selects an arrow: its event's JSON as GET /orders/:id/events answers it, and what it meant", async () => {
    const t = await seeded();
    const id = await place(t, { paymentBehaviour: "failure" });
    settleSaga(t);
    const html = await diagramOf(t, id);
    const arrow = elementsWith(html, "data-compensation=")[0];
    expect(arrow?.["hx-get"]).toBe(`/dashboard/diagram?order=${id}&amp;arrow=${arrow?.["data-arrow-id"]}`);
    const selected = await t.request("GET", `/dashboard/diagram?order=${id}&arrow=${arrow?.["data-arrow-id"]}`);
    const events = (await t.request("GET", `/orders/${id}/events`)).body as { seq: number }[];
    const json = JSON.stringify(
      events.find((e) => String(e.seq) === arrow?.["data-event-seq"]),
      null,
      2,
    );
    expect(selected.text).toContain(Bun.escapeHTML(json));
    expect(selected.text).toContain("PAYMENT_FAILED (payments):");
    expect(selected.text).toContain("inventory answered INVENTORY_RELEASED");
    // The panel keeps the selection when it refreshes itself live.
    expect(selected.text).toContain(`hx-get="/dashboard/diagram?order=${id}&amp;arrow=${arrow?.["data-arrow-id"]}"`);
    // An id it does not have selects nothing.
    expect((await t.request("GET", `/dashboard/diagram?order=${id}&arrow=nope`)).text).not.toContain("data-event-json");
  });

  test("the module map is drawn from the subscriptions: it changes with the saga style and the shipment step", async () => {
    const t = await seeded();
    const edges = async () =>
      elementsWith((await t.request("GET", "/dashboard/diagram?follow=newest")).text, "data-map-edge=").map((e) => e["data-map-edge"]);
    const choreography = await edges();
    expect(choreography).toContain("orders-inventory");
    expect(choreography).not.toContain("orders-orchestrator");
    expect(choreography).not.toContain("payments-shipping");
    await t.request("PATCH", "/settings", { body: { shipmentStep: true } });
    expect(await edges()).toContain("payments-shipping");
    await t.request("PATCH", "/settings", { body: { sagaStyle: "orchestration" } });
    const orchestration = await edges();
    expect(orchestration).toEqual(expect.arrayContaining(["orders-orchestrator", "orchestrator-inventory", "orchestrator-shipping"]));
    expect(orchestration).not.toContain("orders-inventory");
  });

  test("the map counts the followed saga's messages on each line", async () => {
    const t = await seeded();
    const id = await place(t, {});
    settleSaga(t);
    const html = await diagramOf(t, id);
    const log = (await t.request("GET", `/orders/${id}/deliveries`)).body as LoggedDelivery[];
    const counted = elementsWith(html, "data-map-edge=").reduce((sum, e) => sum + Number(e["data-messages"]), 0);
    expect(counted).toBe(log.length);
    expect(elementsWith(html, 'data-map-edge="orders-inventory"')[0]?.["data-messages"]).toBe("1");
  });

  test("the page shows the panel, and it refreshes on the same events as the timeline", async () => {
    const t = await seeded();
    const page = await t.request("GET", "/?session=test-session");
    expect(page.text).toContain('<section id="diagram-panel"');
    const trigger = (html: string, id: string) => html.match(new RegExp(`<section id="${id}"[^>]*hx-trigger="([^"]*)"`))?.[1];
    expect(trigger(page.text, "diagram-panel")).toBe(trigger(page.text, "timeline-panel"));
  });
});
