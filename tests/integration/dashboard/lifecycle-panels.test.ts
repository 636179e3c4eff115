import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

const htmx = { headers: { "hx-request": "true" } };

describe("the dashboard's lifecycle controls", () => {
  test("Cancel on an order answers its timeline, pinned; the compensation shows there and the button goes", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true } })).body
      .id;
    t.relay.runDue();
    const orders = (await t.request("GET", "/dashboard/orders")).text;
    expect(orders).toContain(`hx-post="/dashboard/orders/${id}/cancel"`);
    const timeline = await t.request("POST", `/dashboard/orders/${id}/cancel`, htmx);
    expect(timeline.status).toBe(200);
    expect(timeline.text).toContain(`hx-get="/dashboard/timeline?order=${id}"`);
    expect(timeline.text).toContain('data-event-type="ORDER_CANCELLATION_REQUESTED"');
    t.relay.runDue();
    const after = (await t.request("GET", `/dashboard/timeline?order=${id}`)).text;
    for (const type of ["INVENTORY_RESTOCKED", "PAYMENT_REFUNDED", "ORDER_CANCELLED"]) expect(after).toContain(`data-event-type="${type}"`);
    expect((await t.request("GET", "/dashboard/orders")).text).not.toContain(`hx-post="/dashboard/orders/${id}/cancel"`);
    const again = await t.request("POST", `/dashboard/orders/${id}/cancel`, htmx);
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-code="INVALID_STATE"');
  });

  test("a PENDING reservation counts down to its expiry; an expired one says so on its card", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 60_000 } });
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { reservationTtlMs: 5_000 } });
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    t.relay.runDue();
    t.clock.advance(1_000);
    expect((await t.request("GET", "/dashboard/reservations")).text).toContain(
      'expires <span class="countdown" data-due-in="4000">in 4.0 s</span>',
    );
    t.settle(t.clock.now() + 10_000);
    const board = (await t.request("GET", "/dashboard/reservations")).text;
    expect(board).toContain('<div class="card-reason">expired</div>');
  });

  test("the sagas panel lists running and stuck sagas with Retry and Compensate; the inbox shows the messages", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const running = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }], userId: "ada" } })).body;
    t.relay.runDue();
    const panel = (await t.request("GET", "/dashboard/sagas")).text;
    expect(panel).toContain(`data-saga-id="${running.sagaId}"`);
    expect(panel).toContain('data-saga-status="running"');
    expect(panel).toContain(`hx-post="/dashboard/sagas/${running.sagaId}/compensate"`);
    expect(panel).not.toContain("/retry");

    const compensated = await t.request("POST", `/dashboard/sagas/${running.sagaId}/compensate`, htmx);
    expect(compensated.status).toBe(200);
    t.relay.runDue();
    expect((await t.request("GET", "/dashboard/sagas")).text).toContain("Every saga has ended.");
    expect((await t.request("GET", `/orders/${running.id}`)).body.cancellationSource).toBe("operator");
    const inbox = (await t.request("GET", "/dashboard/inbox")).text;
    expect(inbox).toContain('data-kind="received"');
    expect(inbox).toContain('data-kind="cancelled"');
    expect(inbox).toContain("to ada");
  });
});

describe("the order form's Idempotency-Key and availability check", () => {
  const formBody = (fields: [string, string][]) => ({
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
  });

  test("two submissions of one rendered form are one order, the same answer; only a new order's answer renders a fresh key", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const page = await t.request("GET", "/?session=test-session");
    const keyIn = (text: string) => text.match(/id="order-form-key" name="idempotencyKey" value="([^"]+)"/)?.[1];
    const renderedKey = keyIn(page.text);
    expect(renderedKey).toMatch(/^dashboard-/);
    const fields: [string, string][] = [
      ["idempotencyKey", renderedKey ?? ""],
      ["product", "mouse-pad"],
      ["quantity", "5"],
      ["paymentBehaviour", ""],
      ["inventoryBehaviour", ""],
    ];
    const first = await t.request("POST", "/dashboard/orders", formBody(fields));
    const second = await t.request("POST", "/dashboard/orders", formBody(fields));
    const idOf = (text: string) => text.match(/data-order-id="([^"]+)"/)?.[1];
    expect(idOf(first.text)).toBeDefined();
    expect(idOf(second.text)).toBe(idOf(first.text));
    expect(second.text).toContain('data-replayed="true"');
    expect((await t.request("GET", "/orders")).body).toHaveLength(1);
    // The new order's answer gives the form a fresh key; the replay leaves the form's key alone.
    const freshKey = keyIn(first.text);
    expect(freshKey).toMatch(/^dashboard-/);
    expect(freshKey).not.toBe(renderedKey);
    expect(keyIn(second.text)).toBeUndefined();

    // The hidden form of the first answer: the same fields and the same key.
    const hidden = [...first.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)].map(
      (m) => [m[1], m[2]] as [string, string],
    );
    expect(hidden.find(([name]) => name === "idempotencyKey")?.[1]).toMatch(/^dashboard-/);
    const rows = (await t.request("GET", "/orders")).body.length;
    const again = await t.request("POST", "/dashboard/orders", formBody(hidden));
    expect(again.status).toBe(200);
    expect(idOf(again.text)).toBe(idOf(first.text));
    expect(again.text).toContain('data-replayed="true"');
    expect((await t.request("GET", "/orders")).body).toHaveLength(rows);
  });

  test("Check availability answers for the form's lines and reserves nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const check = await t.request(
      "POST",
      "/dashboard/inventory/check",
      formBody([
        ["product", "laptop"],
        ["quantity", "6"],
        ["product", "mouse"],
        ["quantity", "1"],
      ]),
    );
    expect(check.status).toBe(200);
    expect(check.text).toContain('data-all-available="false"');
    expect(check.text).toContain('data-product="laptop" data-available="false"');
    expect(check.text).toContain('data-product="mouse" data-available="true"');
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([]);
  });
});
