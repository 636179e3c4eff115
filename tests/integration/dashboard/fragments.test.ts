import { describe, expect, test } from "bun:test";
import { MAX_LINE_QUANTITY } from "../../../src/modules/saga-terms";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp, fiveMousePads } from "../../support/test-app";

const xssName = "<img src=x onerror=alert(1)>";

function form(fields: [string, string][]) {
  const body = new URLSearchParams(fields).toString();
  return { body, headers: { "content-type": "application/x-www-form-urlencoded" } };
}

describe("dashboard page", () => {
  test("a session never seeded is marked for public/dashboard.js to seed, in both views, and the GET writes nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    for (const view of ["", "&view=stage"]) {
      const page = await t.request("GET", `/?session=alice${view}`, { session: null });
      expect(page.text).toContain('data-session-id="alice" data-catalog="empty"');
    }
    expect(countAllRows(t.deps.db)).toEqual(before);
    await t.request("POST", "/inventory/seed", { session: "alice" });
    const seeded = await t.request("GET", "/?session=alice", { session: null });
    expect(seeded.text).toContain('data-session-id="alice"');
    expect(seeded.text).not.toContain("data-catalog");
  });

  test("without a session it answers the session shell under the CSP, and names no session", async () => {
    const t = createTestApp();
    const res = await t.request("GET", "/", { session: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe");
    expect(res.text).toContain('id="start-session"');
    expect(res.text).not.toContain('id="orders-panel"');
  });

  test("an invalid ?session= is shown escaped, never as markup", async () => {
    const t = createTestApp();
    const res = await t.request("GET", `/?session=${encodeURIComponent('"><script>alert(1)</script>')}`, { session: null });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("with ?session= it renders every panel from that session's data, plus the curl box for it", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "workshop-1" });
    const order = await t.request("POST", "/orders", { session: "workshop-1", body: fiveMousePads });
    t.settle();
    const res = await t.request("GET", "/?session=workshop-1", { session: null });
    for (const id of [
      "order-form",
      "inventory-panel",
      "stats-panel",
      "orders-panel",
      "timeline-panel",
      "reservations-panel",
      "payments-panel",
      "events-panel",
      "curl-panel",
    ]) {
      expect(res.text).toContain(`id="${id}"`);
    }
    expect(res.text).toContain('data-stream-url="/events/stream?session=workshop-1"');
    expect(res.text).toContain(`data-order-id="${order.body.id}" data-status="COMPLETED"`);
    expect(res.text).toContain("curl -s -X POST http://localhost/inventory/seed -H &#39;x-session-id: workshop-1&#39;");
    // The newest order's saga is on show: all five events.
    expect(res.text.match(/class="step step-/g)?.length).toBe(5);
  });
});

describe("the curl box behind a proxy", () => {
  test("names the outside https origin the proxy forwards (X-Forwarded-Proto, X-Forwarded-Host), and ignores a host that is not plain", async () => {
    const t = createTestApp();
    const proxied = await t.request("GET", "/dashboard/curl", {
      session: "workshop-1",
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "class.example.org" },
    });
    expect(proxied.text).toContain("curl -s -X POST https://class.example.org/inventory/seed");
    const hostile = await t.request("GET", "/dashboard/curl", {
      session: "workshop-1",
      headers: { "x-forwarded-proto": "gopher", "x-forwarded-host": 'x"><script>' },
    });
    expect(hostile.text).toContain("curl -s -X POST http://localhost/inventory/seed");
    expect(hostile.text).not.toContain("<script>");
  });
});

describe("dashboard fragments", () => {
  test("need a session like every API route", async () => {
    const t = createTestApp();
    const res = await t.request("GET", "/dashboard/orders", { session: null });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("SESSION_REQUIRED");
  });

  test("the full page is made of the same fragments htmx fetches", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "s" });
    const page = await t.request("GET", "/?session=s", { session: null });
    for (const name of ["inventory", "stats", "reservations", "payments", "events"]) {
      const fragment = await t.request("GET", `/dashboard/${name}`, { session: "s" });
      expect(fragment.status).toBe(200);
      expect(page.text).toContain(fragment.text);
    }
  });

  test("a product name from a custom seed is escaped wherever it shows", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", {
      session: "s",
      body: { products: [{ id: "evil", name: xssName, stock_level: 3, price_cents: 100 }] },
    });
    const inventory = await t.request("GET", "/dashboard/inventory", { session: "s" });
    expect(inventory.text).not.toContain(xssName);
    expect(inventory.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const page = await t.request("GET", "/?session=s", { session: null });
    expect(page.text).not.toContain(xssName);
  });

  test("another session's order shows as no order in the timeline", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "alice" });
    const order = await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
    t.settle();
    const mine = await t.request("GET", `/dashboard/timeline?order=${order.body.id}`, { session: "alice" });
    expect(mine.text).toContain("ORDER_COMPLETED");
    const theirs = await t.request("GET", `/dashboard/timeline?order=${order.body.id}`, { session: "bob" });
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain(order.body.id);
    expect(theirs.text).not.toContain('data-event-type="ORDER_CREATED"');
  });

  test("the reservations board sorts each reservation into its column", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const paid = await t.request("POST", "/orders", { body: fiveMousePads });
    const failed = await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } });
    t.settle();
    const held = await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    t.relay.runDue();
    t.clock.advance(t.deps.config.inventoryDelayMs);
    t.relay.runDue();
    const board = await t.request("GET", "/dashboard/reservations");
    const column = (status: string) => board.text.split(`data-column="${status}"`)[1]!.split("data-column=")[0]!;
    expect(column("PENDING")).toContain(held.body.id);
    expect(column("CONFIRMED")).toContain(paid.body.id);
    expect(column("RELEASED")).toContain(failed.body.id);
    expect(column("PENDING")).not.toContain(paid.body.id);
  });
});

describe("dashboard event log", () => {
  test("numbers a session's events within the session: a new session starts at #1 whatever others did", async () => {
    const t = createTestApp();
    for (const session of ["busy-1", "busy-2", "new"]) await t.request("POST", "/inventory/seed", { session });
    for (const session of ["busy-1", "busy-2", "busy-1"]) await t.request("POST", "/orders", { body: fiveMousePads, session });
    t.settle();
    await t.request("POST", "/orders", { body: fiveMousePads, session: "new" });
    t.settle();
    const log = await t.request("GET", "/dashboard/events", { session: "new" });
    const numbers = [...log.text.matchAll(/data-session-number="(\d+)"/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual([5, 4, 3, 2, 1]);
  });
});

describe("dashboard order form", () => {
  test("places the order the API would place, and follows it in the timeline", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const res = await t.request(
      "POST",
      "/dashboard/orders",
      form([
        ["product", "mouse-pad"],
        ["quantity", "5"],
        ["product", "keyboard"],
        ["quantity", "2"],
        ["product", ""],
        ["quantity", ""],
        ["paymentBehaviour", "failure"],
        ["inventoryBehaviour", "success"],
        ["skipDemoDelays", "true"],
      ]),
    );
    expect(res.status).toBe(200);
    const orders = await t.request("GET", "/orders");
    expect(orders.body).toHaveLength(1);
    const order = orders.body[0];
    expect(order).toMatchObject({
      items: [
        { product: "mouse-pad", quantity: 5 },
        { product: "keyboard", quantity: 2 },
      ],
      paymentBehaviour: "failure",
      inventoryBehaviour: "success",
      skipDemoDelays: true,
      status: "PENDING",
    });
    expect(res.text).toContain(`data-order-id="${order.id}"`);
    // The confirmation stays under the form after the saga ends: it claims nothing that stops being true.
    const confirmation = res.text.match(/<div class="form-ok"[\s\S]*?<\/p>/)?.[0] ?? "";
    expect(confirmation).toContain("placed; follow its saga in the timeline.");
    expect(confirmation).not.toContain("running");
    // The timeline comes along out of band, on the new order.
    expect(res.text).toContain('id="timeline-panel"');
    expect(res.text).toContain('hx-swap-oob="true"');
    expect(res.text).toContain(`/dashboard/timeline?order=${order.id}`);
    // ...and fetches itself again on arrival, in case live refreshes already showed a later state.
    expect(res.text).toContain('hx-trigger="load, ');
    expect(res.text).not.toContain('id="order-form"');
  });

  test("offers the saga style, the session's setting chosen; the order keeps the one chosen, and the list shows it", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { sagaStyle: "orchestration" } });
    const page = await t.request("GET", "/?session=test-session");
    const orderForm = page.text.slice(page.text.indexOf('id="order-form"'));
    expect(orderForm.slice(0, orderForm.indexOf("</section>"))).toContain(
      '<option value="orchestration" selected="">orchestration</option>',
    );
    for (const sagaStyle of ["choreography", "orchestration"]) {
      const res = await t.request(
        "POST",
        "/dashboard/orders",
        form([
          ["product", "mouse-pad"],
          ["quantity", "1"],
          ["skipDemoDelays", "true"],
          ["sagaStyle", sagaStyle],
        ]),
      );
      expect(res.status).toBe(200);
    }
    t.settle();
    const orders = (await t.request("GET", "/orders")).body as { sagaStyle: string; status: string }[];
    expect(orders.map((o) => `${o.sagaStyle}:${o.status}`).sort()).toEqual(["choreography:COMPLETED", "orchestration:COMPLETED"]);
    const list = await t.request("GET", "/dashboard/orders");
    expect(list.text).toContain('data-saga-style="orchestration"');
    expect(list.text).toContain('data-saga-style="choreography"');
  });

  test("shows validation errors next to the form and writes nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const none = await t.request(
      "POST",
      "/dashboard/orders",
      form([
        ["product", ""],
        ["quantity", ""],
      ]),
    );
    expect(none.status).toBe(422);
    expect(none.text).toContain('class="form-errors"');
    expect(none.text).toContain("<code>lines</code>");

    const bad = await t.request(
      "POST",
      "/dashboard/orders",
      form([
        ["product", "mouse"],
        ["quantity", "0"],
        ["product", ""],
        ["quantity", "3"],
        ["product", "keyboard"],
        ["quantity", "two"],
      ]),
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("<code>line 2.product</code>");
    expect(bad.text).toContain("<code>line 3.quantity</code>");
    // The answer goes under the form and never replaces it, so what was typed stays typed.
    expect(bad.text).not.toContain('id="order-form"');

    const zero = await t.request(
      "POST",
      "/dashboard/orders",
      form([
        ["product", "mouse"],
        ["quantity", "0"],
      ]),
    );
    expect(zero.status).toBe(422);
    // In the form's words, the field named: not the library's "Too small: expected number to be >=1".
    expect(zero.text).toContain("<code>line 1.quantity</code> must be at least 1");
    expect(zero.text).not.toContain("Too small");
    const huge = await t.request(
      "POST",
      "/dashboard/orders",
      form([
        ["product", "mouse"],
        ["quantity", "999999999"],
      ]),
    );
    expect(huge.status).toBe(422);
    expect(huge.text).toContain(`<code>line 1.quantity</code> must be at most ${MAX_LINE_QUANTITY}`);

    expect((await t.request("GET", "/orders")).body).toEqual([]);
    expect((await t.request("GET", "/events")).body).toEqual([]);
  });
});

describe("dashboard seed and reset buttons", () => {
  test("answer the inventory panel with the other stock panels out of band", async () => {
    const t = createTestApp();
    const res = await t.request("POST", "/dashboard/inventory/seed");
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-product-id="laptop"');
    for (const id of ["stats-panel", "reservations-panel", "order-form"]) expect(res.text).toContain(`<section id="${id}"`);
    expect((await t.request("GET", "/inventory")).body).toHaveLength(7);
  });

  test("reset drops the session's reservations and reloads the default catalog", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const res = await t.request("POST", "/dashboard/inventory/reset");
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-stat="total_reservations"><dt>total_reservations</dt><dd>0</dd>');
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([]);
    const pads = (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "mouse-pad");
    expect(pads.stock_level).toBe(54);
  });

  test("a refused seed is shown as an alert that leaves the panel as it was, not as a broken page", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", {
      body: { products: [{ id: "gadget", name: "Gadget", stock_level: 5, price_cents: 100 }] },
    });
    await t.request("POST", "/orders", { body: { items: [{ product: "gadget", quantity: 2 }] } });
    t.clock.advance(t.deps.config.inventoryDelayMs);
    t.relay.runDue(); // reserved; the payment's demo delay is still running
    const res = await t.request("POST", "/dashboard/inventory/seed", { headers: { "hx-request": "true" } });
    expect(res.status).toBe(409);
    expect(res.headers.get("hx-reswap")).toBe("none");
    expect(res.text).toContain('id="dashboard-alert" class="alert" role="alert" hx-swap-oob="true" data-code="INVALID_STATE"');
    expect(res.text).toContain("reserved by orders in flight");
    // Without htmx the same refusal is the API's JSON error.
    const api = await t.request("POST", "/dashboard/inventory/seed");
    expect(api.body).toEqual({ error: expect.stringContaining("reserved by orders in flight"), code: "INVALID_STATE" });
  });
});

describe("GET /inventory/reservations", () => {
  test("lists the session's reservations with their lines, newest first", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const first = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    t.clock.advance(1000);
    const second = await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } });
    t.settle();
    const res = await t.request("GET", "/inventory/reservations");
    expect(res.status).toBe(200);
    expect(res.body.map((r: { orderId: string; status: string }) => [r.orderId, r.status])).toEqual([
      [second.body.id, "RELEASED"],
      [first.body.id, "CONFIRMED"],
    ]);
    expect(res.body[1]).toEqual({
      id: expect.stringMatching(/^res_/),
      orderId: first.body.id,
      items: [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }],
      status: "CONFIRMED",
      releaseReason: null,
      releaseCause: null,
      restockedAt: null,
      expiresAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await t.request("GET", "/inventory/reservations", { session: "other" })).body).toEqual([]);
  });

  test("a released reservation says why its stock went back, on the API and on its card", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    // An order whose stock is held when orders are reset is cut short by the operator.
    const cut = (await t.request("POST", "/orders", { body: { ...fiveMousePads, skipDemoDelays: false } })).body.id;
    t.clock.advance(t.deps.config.inventoryDelayMs);
    t.relay.runDue();
    await t.request("POST", "/orders/reset");
    t.settle();
    const failed = (await t.request("POST", "/orders", { body: { ...fiveMousePads, paymentBehaviour: "failure" } })).body.id;
    t.settle();

    const reasons = Object.fromEntries(
      (await t.request("GET", "/inventory/reservations")).body.map((r: { orderId: string; status: string; releaseReason: string }) => [
        r.orderId,
        [r.status, r.releaseReason],
      ]),
    );
    expect(reasons).toEqual({
      [failed]: ["RELEASED", "Payment failed: card_declined (paymentBehaviour: failure)"],
      [cut]: ["RELEASED", "Order cancelled: Orders were reset while the saga was in flight"],
    });
    const board = await t.request("GET", "/dashboard/reservations");
    expect(board.text).toContain('<div class="card-reason">Payment failed: card_declined (paymentBehaviour: failure)</div>');
    expect(board.text).toContain('<div class="card-reason">Order cancelled: Orders were reset while the saga was in flight</div>');
    expect(board.text).not.toContain("payment failed: stock handed back");
  });
});

describe("assets", () => {
  test("htmx and its SSE extension come from node_modules; anything else under /assets is a 404", async () => {
    const t = createTestApp();
    const htmx = await t.request("GET", "/assets/htmx.js", { session: null });
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("content-type")).toContain("javascript");
    expect(htmx.text).toContain("version = '4.0.1'");
    expect((await t.request("GET", "/assets/hx-sse.js", { session: null })).text).toContain("registerExtension('sse'");
    expect((await t.request("GET", "/assets/dashboard.css", { session: null })).status).toBe(200);
    expect((await t.request("GET", "/assets/..%2Fpackage.json", { session: null })).status).toBe(404);
    expect((await t.request("GET", "/assets/nope.js", { session: null })).body.code).toBe("NOT_FOUND");
  });
});
