import { describe, expect, test } from "bun:test";
import { deliverHeld } from "../../support/step-mode";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by attacking the server: an order CANCELLED whose payment stayed SUCCESS because its
 * refund became a dead letter: `/consistency` said consistent, `/sagas` said "cancelled" and
 * `?status=stuck` was empty. A dead letter is not work in flight (nothing runs it again by
 * itself), so a saga with one is stuck, and what it failed to give back is a violation.
 */
type Payment = { order_id: string; status: string };
type Saga = { orderId: string; status: string; orderStatus: string; deadLetters: number };

const session = { sessionId: "test-session" };
const paymentOf = async (t: TestApp, id: string) =>
  ((await t.request("GET", "/payments")).body as Payment[]).find((p) => p.order_id === id)?.status;

/** With every reaction failing, the held deliveries run out of attempts and are dead-lettered. */
async function killWhatIsHeld(t: TestApp) {
  await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
  await t.request("PATCH", "/settings", { body: { stepMode: false } });
  t.settle();
  expect(((await t.request("GET", "/bus/dead-letters")).body as unknown[]).length).toBeGreaterThan(0);
}

/** Retries every dead letter with the faults off, until the bus is quiet. */
async function retryTheDead(t: TestApp) {
  await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
  for (const dead of (await t.request("GET", "/bus/dead-letters")).body as { id: number }[]) {
    await t.request("POST", `/bus/dead-letters/${dead.id}/retry`);
  }
  t.settle();
}

/** An order charged (SUCCESS) with its confirmation held, in step mode. */
async function chargedOrder(t: TestApp) {
  await t.request("POST", "/inventory/seed");
  await t.request("PATCH", "/settings", { body: { stepMode: true } });
  const id = (await t.request("POST", "/orders", { body: { items: [{ product: "monitor", quantity: 1 }], skipDemoDelays: true } })).body.id;
  t.relay.runDue();
  await deliverHeld(t, "inventory.reserveStockWhenOrderCreated");
  await deliverHeld(t, "payments.chargeWhenStockReserved");
  expect(await paymentOf(t, id)).toBe("SUCCESS");
  return id as string;
}

describe("a dead letter is not work in flight", () => {
  test("a cancelled order whose refund died is a stuck saga and a violation, until the refund is retried", async () => {
    const t = createTestApp();
    const id = await chargedOrder(t);
    await t.request("POST", `/orders/${id}/cancel?wait=0`);
    t.relay.runDue();
    await deliverHeld(t, "inventory.returnStockWhenCancellationRequested");
    await deliverHeld(t, "orders.cancelOrderWhenStockReleased"); // CANCELLED; the refunds are still held
    await killWhatIsHeld(t);
    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("CANCELLED");
    expect(await paymentOf(t, id)).toBe("SUCCESS");

    const report = (await t.request("GET", "/consistency")).body;
    expect(report.consistent).toBe(false);
    expect(report.violations).toContainEqual(expect.objectContaining({ invariant: "cancelled_holds_nothing", subject: id }));
    const stuck = (await t.request("GET", "/sagas?status=stuck")).body as Saga[];
    expect(stuck).toEqual([expect.objectContaining({ orderId: id, status: "stuck", orderStatus: "CANCELLED" })]);
    expect(stuck[0]?.deadLetters).toBeGreaterThan(0);
    expect((await t.request("GET", "/dashboard/sagas")).text).toContain(`data-saga-status="stuck"`);

    await retryTheDead(t);
    expect(await paymentOf(t, id)).toBe("REFUNDED");
    expect((await t.request("GET", "/sagas?status=stuck")).body).toEqual([]);
    expect(t.checkConsistency({ ...session, settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("a completed order whose accepted cancel died is reported: the customer was told it would be undone", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "monitor", quantity: 1 }], skipDemoDelays: true } })).body
      .id;
    t.settle();
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    expect((await t.request("POST", `/orders/${id}/cancel?wait=0`)).body).toMatchObject({
      status: "COMPLETED",
      cancellationRequestedBy: "customer",
    });
    t.relay.runDue();
    await killWhatIsHeld(t);

    const report = (await t.request("GET", "/consistency")).body;
    expect(report.violations).toContainEqual(expect.objectContaining({ invariant: "order_settles", subject: id }));
    expect((await t.request("GET", "/sagas?status=stuck")).body).toEqual([
      expect.objectContaining({ orderId: id, orderStatus: "COMPLETED" }),
    ]);

    await retryTheDead(t);
    expect((await t.request("GET", `/orders/${id}`)).body.status).toBe("CANCELLED");
    expect(await paymentOf(t, id)).toBe("REFUNDED");
    expect(t.checkConsistency({ ...session, settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("money an orders reset's cancel failed to give back is reported, though the order is gone", async () => {
    const t = createTestApp();
    const id = await chargedOrder(t);
    await t.request("POST", "/orders/reset"); // the saga in flight is cancelled (operator)
    await killWhatIsHeld(t);
    expect(await paymentOf(t, id)).toBe("SUCCESS");

    const report = (await t.request("GET", "/consistency")).body;
    expect(report.violations).toContainEqual(expect.objectContaining({ invariant: "cancelled_holds_nothing", subject: id }));

    await retryTheDead(t);
    expect(await paymentOf(t, id)).toBe("REFUNDED");
    expect(t.checkConsistency({ ...session, settled: true })).toEqual({ consistent: true, violations: [] });
  });

  test("a completed sale an orders reset removed is forgotten with its order, and the books balance", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const id = (await t.request("POST", "/orders", { body: { items: [{ product: "monitor", quantity: 1 }], skipDemoDelays: true } })).body
      .id;
    t.settle();
    await t.request("POST", "/orders/reset");
    t.settle();
    expect(await paymentOf(t, id)).toBeUndefined();
    expect(t.checkConsistency({ ...session, settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
