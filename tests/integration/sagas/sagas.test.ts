import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

const one = (product: string, extra: Record<string, unknown> = {}) => ({ items: [{ product, quantity: 1 }], ...extra });

async function place(t: TestApp, body: unknown) {
  return (await t.request("POST", "/orders", { body })).body as { id: string; sagaId: string };
}

describe("GET /sagas", () => {
  test("every saga of the session, newest first, with its status, last step, scheduled deliveries and dead letters", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const completed = await place(t, one("mouse", { skipDemoDelays: true }));
    const cancelled = await place(t, one("laptop", { skipDemoDelays: true, paymentBehaviour: "failure" }));
    t.relay.runDue();
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    const stuck = await place(t, one("keyboard", { skipDemoDelays: true }));
    t.settle(t.clock.now() + 60_000);
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    const running = await place(t, one("headset"));
    t.relay.runDue();

    const sagas = (await t.request("GET", "/sagas")).body as Record<string, unknown>[];
    expect(sagas.map((s) => [s.orderId, s.status])).toEqual([
      [running.id, "running"],
      [stuck.id, "stuck"],
      [cancelled.id, "cancelled"],
      [completed.id, "completed"],
    ]);
    expect(sagas[0]).toEqual({
      sagaId: running.sagaId,
      orderId: running.id,
      status: "running",
      orderStatus: "PENDING",
      step: "ORDER_CREATED",
      startedAt: expect.any(String),
      updatedAt: expect.any(String),
      pendingDeliveries: 2, // the reservation (3 s) and the order's deadline (5 min)
      deadLetters: 0,
    });
    // Its reservation and its notification were dead-lettered; its deadline (5 min) is still ahead.
    expect(sagas[1]).toMatchObject({ step: "ORDER_CREATED", deadLetters: 2, pendingDeliveries: 1 });
    expect(sagas[3]).toMatchObject({ step: "ORDER_COMPLETED", orderStatus: "COMPLETED" });

    expect(((await t.request("GET", "/sagas?status=stuck")).body as { orderId: string }[]).map((s) => s.orderId)).toEqual([stuck.id]);
    expect((await t.request("GET", "/sagas?limit=1")).body).toHaveLength(1);
    expect((await t.request("GET", "/sagas?status=lost")).status).toBe(400);
    expect((await t.request("GET", "/sagas", { session: "other" })).body).toEqual([]);
    expect((await t.request("GET", `/sagas/${running.sagaId}`)).body.orderId).toBe(running.id);
    expect((await t.request("GET", `/sagas/${running.sagaId}`, { session: "other" })).status).toBe(404);
  });

  test("a saga still not final after the session's orderTimeoutMs is stuck (its deadline held by step mode)", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true, orderTimeoutMs: 10_000 } });
    const saga = await place(t, one("mouse", { skipDemoDelays: true }));
    t.relay.runDue();
    expect((await t.request("GET", `/sagas/${saga.sagaId}`)).body.status).toBe("running");
    t.clock.advance(10_001);
    expect((await t.request("GET", `/sagas/${saga.sagaId}`)).body.status).toBe("stuck");
  });
});

describe("POST /sagas/:id/retry and /compensate", () => {
  test("retry runs a stuck saga's dead letters again: it completes; with none left, 409", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 1 } });
    const saga = await place(t, one("mouse", { skipDemoDelays: true }));
    t.settle(t.clock.now() + 60_000);
    await t.request("PATCH", "/settings", { body: { reactionFaultRate: 0 } });
    expect((await t.request("POST", `/sagas/${saga.sagaId}/retry`, { session: "other" })).status).toBe(404);
    const retried = await t.request("POST", `/sagas/${saga.sagaId}/retry`);
    expect(retried.status).toBe(200);
    t.settle();
    expect((await t.request("GET", `/sagas/${saga.sagaId}`)).body).toMatchObject({ status: "completed", deadLetters: 0 });
    const again = await t.request("POST", `/sagas/${saga.sagaId}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("INVALID_STATE");
  });

  test("compensate cancels as operator with a cancel's compensation: running → stock back; completed → restocked and refunded", async () => {
    const t = createTestApp({ config: { inventoryDelayMs: 3_000, paymentDelayMs: 5_000 } });
    await t.request("POST", "/inventory/seed");
    const running = await place(t, { items: [{ product: "mouse-pad", quantity: 5 }] });
    const completed = await place(t, { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true });
    t.clock.advance(3_000);
    t.relay.runDue();
    for (const saga of [running, completed]) {
      expect((await t.request("POST", `/sagas/${saga.sagaId}/compensate`)).status).toBe(200);
    }
    t.settle();
    for (const saga of [running, completed]) {
      expect((await t.request("GET", `/orders/${saga.id}`)).body).toMatchObject({ status: "CANCELLED", cancellationSource: "operator" });
    }
    const payments = (await t.request("GET", "/payments")).body as { order_id: string; status: string }[];
    expect(payments.find((p) => p.order_id === completed.id)?.status).toBe("REFUNDED");
    expect(payments.find((p) => p.order_id === running.id)?.status).toBe("FAILED");
    const pad = ((await t.request("GET", "/inventory")).body as { id: string; stock_level: number; reserved: number }[]).find(
      (p) => p.id === "mouse-pad",
    );
    expect(pad).toMatchObject({ stock_level: 54, reserved: 0 });
    const again = await t.request("POST", `/sagas/${running.sagaId}/compensate`);
    expect(again.status).toBe(409);
    expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
  });
});
