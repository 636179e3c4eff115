import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

const htmx = { "hx-request": "true" };
const form = (fields: Record<string, string>, headers: Record<string, string> = htmx) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
});
/** An order with the default knobs' demo delays (so notifications' delivery, due at once, runs first). */
const order = { items: [{ product: "mouse-pad", quantity: 1 }] };

async function stepModeSession(settings: Record<string, unknown> = {}) {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("PATCH", "/settings", { body: { stepMode: true, ...settings } });
  return t;
}

async function place(t: TestApp): Promise<string> {
  const placed = await t.request("POST", "/orders", { body: order });
  t.relay.runDue();
  return placed.body.id;
}

/** What the bus panel says Step runs next: its delivery's id and reaction, and the count before the newest order's. */
async function panelSays(t: TestApp) {
  // Without the <wbr>s that let long names break: the words as read.
  const panel = (await t.request("GET", "/dashboard/bus")).text.replaceAll("<wbr/>", "");
  const next = panel.match(/data-next-delivery-id="(\d+)" data-next-reaction="([^"]+)"/);
  const ahead = panel.match(/data-ahead="(\d+)"/);
  return { panel, id: next ? Number(next[1]) : null, reaction: next?.[2] ?? null, ahead: ahead ? Number(ahead[1]) : 0 };
}

describe("the bus panel names the delivery the next Step runs", () => {
  test("over every Step of two held sagas, the panel named exactly the delivery POST /bus/step then ran", async () => {
    const t = await stepModeSession();
    const first = await place(t);
    // One Step into the first saga, then a second order: both sagas are held.
    await t.request("POST", "/bus/step");
    t.relay.runDue();
    const second = await place(t);
    const ran: string[] = [];
    for (;;) {
      const says = await panelSays(t);
      const step = await t.request("POST", "/bus/step");
      if (says.id === null) {
        expect(step.status).toBe(409);
        break;
      }
      expect(step.status).toBe(200);
      expect({ id: step.body.delivery.id, reaction: step.body.delivery.reaction }).toEqual({ id: says.id, reaction: says.reaction });
      expect(says.panel).toContain(`receives <strong>${step.body.delivery.eventType}</strong>`);
      ran.push(`${step.body.delivery.orderId === first ? "first" : "second"} ${step.body.delivery.reaction}`);
      t.relay.runDue();
      if (ran.length > 40) throw new Error("the sagas did not end");
    }
    // Both sagas ran to their end, earlier-due work first.
    expect((await t.request("GET", `/orders/${first}`)).body.status).toBe("COMPLETED");
    expect((await t.request("GET", `/orders/${second}`)).body.status).toBe("COMPLETED");
    // Next due first: the sagas interleave by their demo delays; each ends with its "order confirmed" message.
    expect(ran).toEqual([
      "second notifications.notifyOnOrderCreated",
      "first inventory.reserveStockWhenOrderCreated",
      "first orders.markProcessingWhenStockReserved",
      "first payments.openPaymentWhenStockReserved",
      "second inventory.reserveStockWhenOrderCreated",
      "second orders.markProcessingWhenStockReserved",
      "second payments.openPaymentWhenStockReserved",
      "first payments.chargeWhenStockReserved",
      "first inventory.confirmReservationWhenPaid",
      "first orders.completeOrderWhenStockConfirmed",
      "first notifications.notifyOnOrderCompleted",
      "second payments.chargeWhenStockReserved",
      "second inventory.confirmReservationWhenPaid",
      "second orders.completeOrderWhenStockConfirmed",
      "second notifications.notifyOnOrderCompleted",
    ]);
  });

  test("in an older session, the panel says how many deliveries run before the newest order's", async () => {
    const t = await stepModeSession();
    const first = await place(t);
    const second = await place(t);
    const held = (await t.request("GET", "/bus/deliveries")).body as { orderId: string }[];
    const beforeSecond = held.findIndex((d) => d.orderId === second);
    expect(beforeSecond).toBeGreaterThan(0);
    const says = await panelSays(t);
    expect(says.ahead).toBe(beforeSecond);
    expect(says.panel).toContain(`${beforeSecond} ${beforeSecond === 1 ? "delivery" : "deliveries"} before the newest order&#39;s`);
    // The next Step is the first order's, as the panel said.
    const step = await t.request("POST", "/bus/step");
    expect(step.body.delivery.orderId).toBe(first);
  });

  test("with nothing scheduled the panel names no next delivery", async () => {
    const t = await stepModeSession();
    const says = await panelSays(t);
    expect(says.id).toBeNull();
    expect(says.panel).toContain("Nothing scheduled.");
  });
});

/** The question the panel asks now: the delivery it is about and its choices. */
async function question(t: TestApp) {
  const panel = (await t.request("GET", "/dashboard/bus")).text;
  const about = panel.match(/id="bus-question"[^>]*data-delivery-id="(\d+)"/);
  const choices = [...panel.matchAll(/data-choice="([^"]+)"/g)].map((m) => m[1] as string);
  return { panel, deliveryId: about ? Number(about[1]) : null, choices };
}

describe('predictNext: "What happens next?" before each Step', () => {
  test("off by default: the panel asks nothing, and a guess is refused with INVALID_STATE", async () => {
    const t = await stepModeSession();
    await place(t);
    expect((await question(t)).deliveryId).toBeNull();
    const next = await panelSays(t);
    const before = countAllRows(t.deps.db);
    const refused = await t.request(
      "POST",
      "/dashboard/bus/guess",
      form({ deliveryId: String(next.id), reaction: String(next.reaction) }, {}),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("INVALID_STATE");
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("a right pick: the panel shows it, then Step runs that delivery and says the pick was right, and why", async () => {
    const t = await stepModeSession({ predictNext: true });
    await place(t);
    const asked = await question(t);
    const next = await panelSays(t);
    expect(asked.deliveryId).toBe(next.id);
    expect(asked.choices).toContain(String(next.reaction));
    expect(asked.choices.length).toBe(4);
    const before = countAllRows(t.deps.db);
    const picked = await t.request("POST", "/dashboard/bus/guess", form({ deliveryId: String(next.id), reaction: String(next.reaction) }));
    expect(picked.status).toBe(200);
    expect(picked.text).toContain(`data-guess="${next.reaction}"`);
    // A pick writes nothing, and every refresh of the panel (any screen) shows it.
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("GET", "/dashboard/bus")).text).toContain(`data-guess="${next.reaction}"`);
    const stepped = await t.request("POST", "/dashboard/bus/step", { headers: htmx });
    expect(stepped.text).toMatch(
      /class="step-verdict right" data-right="true"[^>]*>Right: notifications\.notifyOnOrderCreated is subscribed to ORDER_CREATED/,
    );
    // The verdict stays through a refresh, and the next question is asked at once.
    const after = await question(t);
    expect(after.panel).toContain('data-right="true"');
    expect(after.deliveryId).not.toBe(next.id);
  });

  test("a wrong pick: Step says so, naming what ran and what the pick reacts to", async () => {
    const t = await stepModeSession({ predictNext: true });
    await place(t);
    const asked = await question(t);
    const next = await panelSays(t);
    const wrong = asked.choices.find((choice) => choice !== next.reaction) as string;
    await t.request("POST", "/dashboard/bus/guess", form({ deliveryId: String(asked.deliveryId), reaction: wrong }));
    const stepped = await t.request("POST", "/dashboard/bus/step", { headers: htmx });
    expect(stepped.text).toContain('data-right="false"');
    expect(stepped.text).toContain(`Not this time: ${next.reaction} is subscribed to ORDER_CREATED`);
    expect(stepped.text).toContain(`; ${wrong} reacts to `);
  });

  test("bad guesses are refused with a code, as JSON or as the page's alert, and write nothing", async () => {
    const t = await stepModeSession({ predictNext: true });
    await place(t);
    const asked = await question(t);
    const before = countAllRows(t.deps.db);
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, "VALIDATION_FAILED"],
      [{ deliveryId: "x", reaction: String(asked.choices[0]) }, 400, "VALIDATION_FAILED"],
      [{ deliveryId: String(asked.deliveryId) }, 400, "VALIDATION_FAILED"],
      [{ deliveryId: String(asked.deliveryId), reaction: "nobody.subscribedThis" }, 400, "VALIDATION_FAILED"],
      [{ deliveryId: String(asked.deliveryId), reaction: "x".repeat(201) }, 400, "VALIDATION_FAILED"],
      // A question about a delivery that is not next (stepped since, or never scheduled).
      [{ deliveryId: String((asked.deliveryId ?? 0) + 1000), reaction: String(asked.choices[0]) }, 409, "INVALID_STATE"],
    ];
    for (const [fields, status, code] of cases) {
      const json = await t.request("POST", "/dashboard/bus/guess", form(fields, {}));
      expect([json.status, json.body?.code]).toEqual([status, code]);
      const html = await t.request("POST", "/dashboard/bus/guess", form(fields));
      expect(html.status).toBe(status);
      expect(html.text).toContain(`data-code="${code}"`);
    }
    // A JSON body is no form.
    const asJson = await t.request("POST", "/dashboard/bus/guess", { body: { deliveryId: asked.deliveryId, reaction: asked.choices[0] } });
    expect(asJson.status).toBe(400);
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("GET", "/dashboard/bus")).text).not.toContain("data-guess=");
  });

  test("step mode off: nothing is asked, even with predictNext on", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { predictNext: true } });
    await t.request("POST", "/orders", { body: order });
    t.relay.runDue();
    expect((await question(t)).deliveryId).toBeNull();
  });
});
