import { describe, expect, test } from "bun:test";
import { sessionSettingsSchema } from "../../../src/modules/session-settings";
import { countAllRows } from "../../support/db-snapshot";
import { knobsFormFields } from "../../support/knobs-form";
import { createTestApp, fiveMousePads } from "../../support/test-app";

const knobsForm = (overrides: Record<string, string> = {}) => {
  const fields = knobsFormFields(overrides);
  const body = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== "<absent>")).toString();
  return { body, headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" } };
};
/** What the page posts when one knob moves (public/dashboard.js). */
const oneKnob = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
});

describe("the knobs panel", () => {
  test("shows every setting; a change posted from it is the session's setting, as GET /settings reads it", async () => {
    const t = createTestApp();
    const panel = await t.request("GET", "/dashboard/knobs");
    // The switches of "Break it" (bugs, crashBetweenWritesRate) are not knobs of this panel.
    for (const knob of Object.keys(sessionSettingsSchema.omit({ bugs: true, crashBetweenWritesRate: true }).shape)) {
      expect(panel.text).toContain(`name="${knob}"`);
    }
    const changed = await t.request(
      "POST",
      "/dashboard/knobs",
      knobsForm({ paymentFailureRate: "0.35", stepMode: "on", predictNext: "on", paymentDelayMs: "1200" }),
    );
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('data-percent-of="paymentFailureRate">35%</output>');
    expect((await t.request("GET", "/settings")).body).toEqual({
      inventoryDelayMs: 3000,
      paymentDelayMs: 1200,
      shippingDelayMs: 2000,
      inventoryFailureRate: 0,
      paymentFailureRate: 0.35,
      shippingFailureRate: 0,
      duplicateDeliveryRate: 0,
      reactionFaultRate: 0,
      reservationTtlMs: null,
      orderTimeoutMs: 300_000,
      cartTtlMs: 1_800_000,
      stepMode: true,
      predictNext: true,
      sagaStyle: "choreography",
      shipmentStep: false,
      bugs: [],
      crashBetweenWritesRate: 0,
    });
    // Unchecked, the step-mode box is sent as "off": step mode goes off.
    await t.request("POST", "/dashboard/knobs", knobsForm({ stepMode: "off" }));
    expect((await t.request("GET", "/settings")).body.stepMode).toBe(false);
  });

  test("a form of one knob changes that knob alone: a knob moved just after Step mode went on leaves it on", async () => {
    const t = createTestApp();
    // Step mode switched on from the bus panel; the knobs form on the page still shows it off.
    await t.request("POST", "/dashboard/bus/step-mode?on=true");
    const moved = await t.request("POST", "/dashboard/knobs", oneKnob({ paymentFailureRate: "0.05" }));
    expect(moved.status).toBe(200);
    expect(moved.text).toMatch(/name="stepMode" value="on" checked/);
    const settings = (await t.request("GET", "/settings")).body;
    expect(settings.stepMode).toBe(true);
    expect(settings.paymentFailureRate).toBe(0.05);
    expect(settings.paymentDelayMs).toBe(createTestApp().deps.config.paymentDelayMs);
  });

  test("a bad value is an alert naming the knob, and changes nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    const bad: [knob: string, value: string][] = [
      ["reactionFaultRate", "1.5"],
      ["inventoryDelayMs", ""],
      ["paymentDelayMs", "soon"],
      ["stepMode", "yes"],
    ];
    for (const [knob, value] of bad) {
      const res = await t.request("POST", "/dashboard/knobs", knobsForm({ [knob]: value }));
      expect(res.status).toBe(400);
      expect(res.headers.get("hx-reswap")).toBe("none");
      expect(res.text).toContain('data-code="VALIDATION_FAILED"');
      expect(res.text).toContain(knob);
    }
    // A form that names no knob changes nothing, and says so.
    const empty = await t.request("POST", "/dashboard/knobs", oneKnob({ unknownKnob: "1" }));
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("names no knob");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });
});

describe("the bus panel", () => {
  test("Step is the main action in step mode; off, it is quiet and says it runs the next delivery now", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    t.relay.runDue();
    const stepOf = (html: string) => html.match(/<button[^>]*id="bus-step"[^>]*>/)?.[0] ?? "";
    const off = stepOf((await t.request("GET", "/dashboard/bus")).text);
    expect(off).toContain('class="button button-quiet step-next"');
    expect(off).toContain("Run the next scheduled delivery now, without waiting for its due time");
    expect(off).not.toContain("disabled");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const on = stepOf((await t.request("GET", "/dashboard/bus")).text);
    expect(on).toContain('class="button step-next"');
    expect(on).toContain("Run the next held delivery");
  });

  test("counts down to each due time, and lists dead letters with Retry", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } });
    t.relay.runDue();
    t.clock.advance(1_000);
    const waiting = await t.request("GET", "/dashboard/bus");
    expect(waiting.text).toContain('<span class="countdown" data-due-in="2000">in 2.0 s</span>');

    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    t.settle(t.clock.now() + 60_000); // the retries, not the order's 5-minute deadline
    const dead = await t.request("GET", "/dashboard/bus");
    expect(dead.text).toContain("Dead letters");
    expect(dead.text).toContain("Injected fault: the session&#39;s reactionFaultRate is 1");
    const id = dead.text.match(/data-dead-letter-id="(\d+)"/)?.[1];
    expect(dead.text).toContain(`hx-post="/dashboard/bus/dead-letters/${id}/retry"`);

    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    const retried = await t.request("POST", `/dashboard/bus/dead-letters/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.text).not.toContain("Dead letters");
    expect((await t.request("POST", `/dashboard/bus/dead-letters/${id}/retry`, { headers: { "hx-request": "true" } })).status).toBe(404);
  });
});

describe("the saga timeline", () => {
  test("says what the saga waits for next and when, a fault as “failed, retry in N s”, and a dead letter", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const order = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }] } })).body.id;
    t.relay.runDue();
    const timeline = () => t.request("GET", `/dashboard/timeline?order=${order}`).then((r) => r.text);
    expect(await timeline()).toContain(
      'data-reaction="inventory.reserveStockWhenOrderCreated" data-waits="due">next: <strong><span class="reaction-name">inventory.<wbr/>reserve<wbr/>Stock<wbr/>When<wbr/>Order<wbr/>Created</span></strong> on ORDER_CREATED, due <span class="countdown" data-due-in="3000">in 3.0 s</span>',
    );

    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    t.clock.advance(3_000);
    t.relay.runDue();
    const failed = await timeline();
    expect(failed).toContain('data-outcome="failed"');
    expect(failed).toContain('failed, retry <span class="countdown" data-due-in="1000">in 1.0 s</span>');

    t.settle(t.clock.now() + 60_000);
    const dead = await timeline();
    expect(dead).toContain("failed (attempt 1)");
    expect(dead).toContain("dead-lettered after 5 attempts");
    expect(dead).toContain('data-waits="dead-letter"');

    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0, stepMode: true } });
    const deadId = (await t.request("GET", "/bus/dead-letters")).body[0].id;
    await t.request("POST", `/bus/dead-letters/${deadId}/retry`);
    expect(await timeline()).toContain(
      'data-waits="held">next: <strong><span class="reaction-name">orders.<wbr/>mark<wbr/>Processing<wbr/>When<wbr/>Stock<wbr/>Reserved</span></strong>',
    );
  });

  test("a duplicate from the rate knob shows as “ignored: already processed”", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { duplicateDeliveryRate: 1 } });
    const order = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id;
    t.settle();
    const text = (await t.request("GET", `/dashboard/timeline?order=${order}`)).text;
    expect(text.match(/data-outcome="duplicate_ignored"/g)?.length).toBe(text.match(/data-outcome="applied"/g)?.length);
    expect(text).toContain("ignored: already processed");
  });
});

describe("the event log", () => {
  test("Redeliver on any delivered event shows that event's order in the timeline, with the duplicates ignored and no table changed", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const first = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id;
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const log = (await t.request("GET", "/dashboard/events")).text;
    const button = log.match(
      new RegExp(
        `data-event-type="INVENTORY_RESERVED" data-order-id="${first}">.*?hx-post="(/dashboard/events/\\d+/redeliver\\?order=${first})"`,
      ),
    );
    expect(button).not.toBeNull();
    const before = countAllRows(t.deps.db);
    const timeline = await t.request("POST", button![1]!.replaceAll("&amp;", "&"));
    expect(timeline.status).toBe(200);
    expect(timeline.text).toContain(`data-order-id="${first}"`);
    expect(timeline.text).toContain('data-outcome="duplicate_ignored"');
    expect(countAllRows(t.deps.db)).toEqual(before);
  });
});
