import { describe, expect, test } from "bun:test";
import type { SagaEvent } from "../../../src/modules/events";
import { createTestApp, type TestApp } from "../../support/test-app";

const inbox = async (t: TestApp, session?: string) =>
  (
    (await t.request("GET", "/notifications", { session })).body as {
      orderId: string;
      kind: string;
      recipient: string;
      subject: string;
      body: string;
    }[]
  )
    .slice()
    .reverse();

describe("notifications: a fourth subscriber records what the customer would receive", () => {
  test("success: received, then confirmed for 5 × 24.99 = $124.95, addressed to the order's userId", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const id = (
      await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true, userId: "ada" } })
    ).body.id;
    t.settle();
    expect(await inbox(t)).toEqual([
      expect.objectContaining({ orderId: id, kind: "received", recipient: "ada", subject: "We received your order" }),
      expect.objectContaining({
        orderId: id,
        kind: "confirmed",
        recipient: "ada",
        subject: "Order confirmed",
        body: "Your order is confirmed: $124.95 charged.",
      }),
    ]);
    expect((await t.request("GET", "/notifications", { session: "other" })).body).toEqual([]);
  });

  test("out of stock, payment failed, cancelled with a refund: each outcome its own message", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const place = async (body: object) => (await t.request("POST", "/orders", { body: { skipDemoDelays: true, ...body } })).body.id;
    const short = await place({ items: [{ product: "laptop", quantity: 999 }] });
    const declined = await place({ items: [{ product: "monitor", quantity: 1 }], paymentBehaviour: "failure" });
    const refunded = await place({ items: [{ product: "mouse-pad", quantity: 5 }] });
    t.settle(t.clock.now() + 60_000);
    await t.request("POST", `/orders/${refunded}/cancel?wait=0`);
    t.settle(t.clock.now() + 60_000);
    const kinds = (await inbox(t)).map(
      (n) => `${n.orderId === short ? "short" : n.orderId === declined ? "declined" : "refunded"}: ${n.kind} · ${n.subject}`,
    );
    expect(kinds.filter((k) => !k.includes("received"))).toEqual([
      "short: out_of_stock · Sorry, out of stock",
      "declined: payment_failed · Payment failed",
      "refunded: confirmed · Order confirmed",
      "refunded: refunded · Refund issued",
      "refunded: cancelled · Order cancelled",
    ]);
    const recipients = new Set((await inbox(t)).map((n) => n.recipient));
    expect(recipients).toEqual(new Set(["the customer"]));
  });

  test("an event delivered to it twice still makes one message: the notification records which event it answers", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
    t.settle();
    const completed = t.deps.bus.log.sessionEvents("test-session", 0, 100).find((e) => e.type === "ORDER_COMPLETED") as SagaEvent;
    const reaction = t.deps.bus.subscriptions.named("notifications.notifyOnOrderCompleted");
    // Bypassing the relay (whose cursor would recognise it): the module's own record must hold.
    for (let i = 0; i < 2; i += 1) reaction?.handle(completed, { now: t.clock.now(), emit: () => completed, deliverAgain: () => {} });
    expect((await inbox(t)).filter((n) => n.kind === "confirmed")).toHaveLength(1);
    expect((await t.request("POST", "/notifications/reset")).status).toBe(200);
    expect(await inbox(t)).toEqual([]);
  });
});
