import { describe, expect, test } from "bun:test";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

const orchestrated = { ...fiveMousePads, sagaStyle: "orchestration" };
const product = async (t: TestApp, id: string) => (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === id);
const eventsOf = async (t: TestApp, orderId: string) =>
  (await t.request("GET", `/orders/${orderId}/events`)).body.map((e: { type: string; kind: string }) => `${e.kind}:${e.type}`);

async function placed(t: TestApp, body: object = orchestrated) {
  await t.request("POST", "/inventory/seed");
  const answer = await t.request("POST", "/orders", { body });
  expect(answer.status).toBe(200);
  return answer.body;
}

describe("an orchestrated saga", () => {
  test("success: one command at a time, each answered by its participant; the order COMPLETED", async () => {
    const t = createTestApp();
    const order = await placed(t);
    expect(order.sagaStyle).toBe("orchestration");
    t.settle();
    expect((await t.request("GET", `/orders/${order.id}`)).body).toMatchObject({ status: "COMPLETED", totalCents: 12495 });
    expect(await eventsOf(t, order.id)).toEqual([
      "event:ORDER_CREATED",
      "command:RESERVE_INVENTORY",
      "event:INVENTORY_RESERVED",
      "command:PROCESS_PAYMENT",
      "event:PAYMENT_SUCCESS",
      "command:CONFIRM_RESERVATION",
      "event:INVENTORY_CONFIRMED",
      "command:COMPLETE_ORDER",
      "event:ORDER_COMPLETED",
    ]);
    expect(await product(t, "mouse-pad")).toMatchObject({ stock_level: 49, reserved: 0 });
    expect((await t.request("GET", "/payments")).body[0]).toMatchObject({ status: "SUCCESS", amount_cents: 12495 });
    expect(t.checkConsistency().violations).toEqual([]);
    expect(t.relayFailures).toEqual([]);
  });
});
