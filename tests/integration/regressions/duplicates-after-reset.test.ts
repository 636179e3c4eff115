import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/** Delivers the session's first event of `type` once more, as a duplicate delivery would. */
function redeliverFirst(t: TestApp, type: string): void {
  const event = t.deps.bus.log.sessionEvents("test-session", 0, 1_000).find((e) => e.type === type);
  if (!event) throw new Error(`no ${type} to redeliver`);
  t.steering.redeliver(event);
  t.settle();
}

const statuses = async (t: TestApp, path: string) => (await t.request("GET", path)).body.map((row: { status: string }) => row.status);

// Found by the saga model test: a module reset must not make the bus forget what it delivered,
// or a duplicate arriving after the reset is handled as new and decides the saga a second time.
describe("a duplicate delivered after a module reset changes nothing", () => {
  test("ORDER_CREATED again after an inventory reset does not reserve for an order whose reservation already failed", async () => {
    const t = createTestApp();
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 1 }], skipDemoDelays: true } }); // no catalog yet
    t.settle();
    await t.request("POST", "/inventory/reset"); // now the laptop exists

    redeliverFirst(t, "ORDER_CREATED");

    expect((await t.request("GET", "/inventory/stats")).body.reservations.total_reservations).toBe(0);
    expect(await statuses(t, "/payments")).toEqual([]);
    expect((await t.request("GET", "/orders")).body[0]).toMatchObject({ status: "CANCELLED", cancellationSource: "inventory_depleted" });
  });

  test("ORDER_CREATED again after an inventory reset does not reserve a second time for a completed order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 1 }], skipDemoDelays: true } });
    t.settle();
    await t.request("POST", "/inventory/reset");

    redeliverFirst(t, "ORDER_CREATED");

    const laptop = (await t.request("GET", "/inventory")).body.find((p: { id: string }) => p.id === "laptop");
    expect(laptop).toMatchObject({ stock_level: 5, reserved: 0 });
    expect(await statuses(t, "/payments")).toEqual(["SUCCESS"]);
  });

  test("PAYMENT_SUCCESS again after an inventory reset does not refund a completed order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 3 }], skipDemoDelays: true } });
    t.settle();
    await t.request("POST", "/inventory/reset");

    redeliverFirst(t, "PAYMENT_SUCCESS");

    expect(await statuses(t, "/payments")).toEqual(["SUCCESS"]);
    expect(await statuses(t, "/orders")).toEqual(["COMPLETED"]);
  });

  test("INVENTORY_RESERVED again after a payments reset neither opens nor charges a second payment", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 3 }], skipDemoDelays: true } });
    t.settle();
    await t.request("POST", "/payments/reset");

    redeliverFirst(t, "INVENTORY_RESERVED");

    expect(await statuses(t, "/payments")).toEqual([]);
    const types = (await t.request("GET", "/events")).body.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === "PAYMENT_SUCCESS")).toHaveLength(1);
  });

  test("INVENTORY_FAILED (confirm) again after a payments reset does not refund twice", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: { items: [{ product: "mouse", quantity: 3 }] } });
    // Reserve, then reset inventory before the payment lands: the confirmation fails and the money is refunded.
    t.clock.advance(3_000);
    t.relay.runDue();
    await t.request("POST", "/inventory/reset");
    t.settle();
    expect(await statuses(t, "/payments")).toEqual(["REFUNDED"]);
    await t.request("POST", "/payments/reset");

    redeliverFirst(t, "INVENTORY_FAILED");

    const types = (await t.request("GET", "/events")).body.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === "PAYMENT_REFUNDED")).toHaveLength(1);
  });

  test("PAYMENT_FAILED again after an inventory reset does not release a second time", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", {
      body: { items: [{ product: "headset", quantity: 2 }], paymentBehaviour: "failure", skipDemoDelays: true },
    });
    t.settle();
    await t.request("POST", "/inventory/reset");

    redeliverFirst(t, "PAYMENT_FAILED");

    const types = (await t.request("GET", "/events")).body.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === "INVENTORY_RELEASED")).toHaveLength(1);
  });
});
