import { describe, expect, test } from "bun:test";
import { bugSwitches } from "../../../src/modules/bugs";
import { createTestApp, fiveMousePads } from "../../support/test-app";
import { sseReader } from "../dashboard/sse-reader";

/** Every knob turned away from its default, Break it's switches on. */
const turned = {
  inventoryDelayMs: 100,
  paymentDelayMs: 200,
  shippingDelayMs: 300,
  inventoryFailureRate: 0.5,
  paymentFailureRate: 0.5,
  shippingFailureRate: 0.5,
  shipmentStep: true,
  duplicateDeliveryRate: 0.5,
  reactionFaultRate: 0.5,
  reservationTtlMs: 5_000,
  orderTimeoutMs: 9_000,
  sagaStyle: "orchestration",
  bugs: [...bugSwitches],
  crashBetweenWritesRate: 0.5,
};

describe("DELETE /settings", () => {
  test("puts every knob back to what a new session has, Break it's switches off, and only in its own session", async () => {
    const t = createTestApp();
    const fresh = (await t.request("GET", "/settings", { session: "never-touched" })).body;
    expect(fresh).toMatchObject({ bugs: [], crashBetweenWritesRate: 0, stepMode: false });
    expect((await t.request("PATCH", "/settings", { body: turned })).status).toBe(200);
    await t.request("PATCH", "/settings", { session: "other", body: { paymentFailureRate: 1 } });

    const reset = await t.request("DELETE", "/settings");
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual(fresh);
    expect((await t.request("GET", "/settings")).body).toEqual(fresh);
    expect((await t.request("GET", "/settings", { session: "other" })).body.paymentFailureRate).toBe(1);
  });

  test("with step mode on it releases what step mode held: the saga runs to the end", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id;
    t.settle(t.clock.now() + 60_000);
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("PENDING");
    await t.request("DELETE", "/settings");
    t.settle(t.clock.now() + 60_000);
    expect((await t.request("GET", `/orders/${order}`)).body.status).toBe("COMPLETED");
  });

  test("every open screen of the session hears of it (SETTINGS_CHANGED), as of a PATCH", async () => {
    const t = createTestApp();
    const res = await t.app.request("/events/stream", { headers: { "x-session-id": "test-session" } });
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");
    await t.request("DELETE", "/settings");
    expect((await sse.take(1)).map((m) => m.event)).toEqual(["SETTINGS_CHANGED"]);
    await sse.cancel();
  });

  test("without a session it is the contract's 400 and changes nothing", async () => {
    const t = createTestApp();
    const answer = await t.request("DELETE", "/settings", { session: null });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("SESSION_REQUIRED");
  });
});

describe("the dashboard's Reset knobs", () => {
  test("the Knobs panel offers it, asking first and saying what it does", async () => {
    const t = createTestApp();
    const panel = (await t.request("GET", "/dashboard/knobs")).text;
    expect(panel).toMatch(/<button[^>]*id="knobs-reset"[^>]*hx-post="\/dashboard\/knobs\/reset"[^>]*hx-confirm="Reset every knob/);
    expect(panel).toContain("Reset knobs</button>");
  });

  test("POST /dashboard/knobs/reset resets the session's knobs and answers the panel with the defaults", async () => {
    const t = createTestApp();
    const fresh = (await t.request("GET", "/settings", { session: "never-touched" })).body;
    await t.request("PATCH", "/settings", { body: turned });
    const answer = await t.request("POST", "/dashboard/knobs/reset");
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('id="knobs-panel"');
    expect(answer.text).toContain(
      `name="paymentDelayMs" min="0" max="60000" step="100" inputmode="numeric" value="${fresh.paymentDelayMs}"`,
    );
    expect((await t.request("GET", "/settings")).body).toEqual(fresh);
  });
});
