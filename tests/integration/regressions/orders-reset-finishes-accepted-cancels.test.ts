import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by attacking the server: `POST /orders/reset` sent while cancels of completed orders
 * were on their way kept their money (59 of 60 payments stayed SUCCESS) and put only some of
 * their units back, because the reset took COMPLETED and CANCELLED orders for finished sagas and
 * dropped their pending work. Every cancel the server accepted must end refunded, whatever the
 * reset cuts short.
 */
type Payment = { order_id: string; status: string; amount_cents: number };
type Product = { id: string; stock_level: number; reserved: number };

const keptCents = async (t: TestApp) =>
  ((await t.request("GET", "/payments")).body as Payment[]).filter((p) => p.status === "SUCCESS").reduce((n, p) => n + p.amount_cents, 0);
const shelf = async (t: TestApp) =>
  Object.fromEntries(((await t.request("GET", "/inventory")).body as Product[]).map((p) => [p.id, [p.stock_level, p.reserved]]));

/** `n` completed orders, and the shelf as it was before them. */
async function completedOrders(t: TestApp, n: number) {
  await t.request("POST", "/inventory/seed");
  const seeded = await shelf(t);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const product = ["mouse", "keyboard", "mouse-pad", "monitor"][i % 4];
    ids.push((await t.request("POST", "/orders", { body: { items: [{ product, quantity: 1 }], skipDemoDelays: true } })).body.id);
  }
  t.settle();
  return { ids, seeded };
}

describe("an orders reset that races cancels", () => {
  test("60 completed orders, 60 cancels accepted and a reset among them: no money is kept and every unit is back", async () => {
    const t = createTestApp();
    const { ids, seeded } = await completedOrders(t, 60);
    const cancels = ids.map((id) => t.request("POST", `/orders/${id}/cancel?wait=0`));
    const answers = await Promise.all(cancels.slice(0, 40));
    // Part of the work of the first cancels is done when the reset arrives: some restocked, some refunded.
    t.relay.runDue(50);
    const [reset, ...rest] = await Promise.all([t.request("POST", "/orders/reset"), ...cancels.slice(40)]);
    expect(reset.status).toBe(200);
    for (const answer of [...answers, ...rest]) {
      expect(answer).toMatchObject({ status: 200, body: { cancellationRequestedBy: "customer" } });
    }
    t.settle();
    expect(await keptCents(t)).toBe(0);
    expect(await shelf(t)).toEqual(seeded);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("with faults injected, every accepted cancel a reset raced ends refunded once the faults stop", async () => {
    const t = createTestApp({ seed: 7 });
    const { ids, seeded } = await completedOrders(t, 40);
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0.5 } });
    for (const id of ids) expect((await t.request("POST", `/orders/${id}/cancel?wait=0`)).status).toBe(200);
    // Some cancels are done, some half done, some waiting for a retry of a failed delivery.
    t.settle(t.clock.now() + 3_000);
    expect((await t.request("POST", "/orders/reset")).status).toBe(200);
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    t.settle();
    for (const dead of (await t.request("GET", "/bus/dead-letters")).body as { id: number }[]) {
      await t.request("POST", `/bus/dead-letters/${dead.id}/retry`);
    }
    t.settle();
    expect(await keptCents(t)).toBe(0);
    expect(await shelf(t)).toEqual(seeded);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("a cancelled order whose refund is still held in step mode is refunded", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const seeded = await shelf(t);
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "monitor", quantity: 2 }], skipDemoDelays: true } })).body
      .id;
    t.relay.runDue();
    const deliver = async (reaction: string) => {
      const held = (await t.request("GET", "/bus/deliveries")).body as { id: number; reaction: string }[];
      const delivery = held.find((d) => d.reaction === reaction);
      expect(delivery).toBeDefined();
      await t.request("POST", `/bus/deliveries/${delivery?.id}/deliver`);
      t.relay.runDue();
    };
    await deliver("inventory.reserveStockWhenOrderCreated");
    await deliver("payments.chargeWhenStockReserved"); // SUCCESS; the confirmation is held
    expect((await t.request("POST", `/orders/${id}/cancel?wait=0`)).status).toBe(200);
    t.relay.runDue();
    await deliver("inventory.returnStockWhenCancellationRequested");
    await deliver("orders.cancelOrderWhenStockReleased"); // CANCELLED; the refund is held
    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("CANCELLED");
    expect(await keptCents(t)).toBeGreaterThan(0);

    expect((await t.request("POST", "/orders/reset")).status).toBe(200);
    await t.request("PATCH", "/settings", { body: { stepMode: false } });
    t.settle();
    expect(await keptCents(t)).toBe(0);
    expect(await shelf(t)).toEqual(seeded);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
