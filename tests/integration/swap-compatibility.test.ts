import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSagaServer } from "../../src/compose";

/**
 * SWAP's clients, replayed over real HTTP against one port standing in for all three of its
 * services (orders :3001, inventory :3002, payments :3003), with the relay on real timers.
 */
let server: ReturnType<typeof Bun.serve>;
let stop: () => void;
let base: string;
beforeAll(() => {
  const saga = createSagaServer({ config: { inventoryDelayMs: 0, paymentDelayMs: 0 }, relay: { log: () => {} } });
  saga.relay.start();
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: saga.app.fetch });
  base = `http://127.0.0.1:${server.port}`;
  stop = () => saga.relay.stop();
});
afterAll(() => {
  stop();
  void server.stop(true);
});

const orderServiceUrl = () => base;
const inventoryServiceUrl = () => base;
const paymentServiceUrl = () => base;
const session = { "x-session-id": "test-session-12345" };
const json = { ...session, "content-type": "application/json" };

async function waitForOrderStatus(id: string) {
  const res = await fetch(`${orderServiceUrl()}/orders/${id}?wait=10000`, { headers: session });
  return (await res.json()) as { status: string; cancellationSource: string | null };
}

describe("SWAP's service README commands", () => {
  test("seed, inventory and stats on the inventory service", async () => {
    const seeded = await fetch(`${inventoryServiceUrl()}/inventory/seed`, { method: "POST", headers: session });
    expect(seeded.status).toBe(200);
    const body = (await seeded.json()) as { message: string; products: unknown[] };
    expect(body.message).toBeString();
    expect(body.products).toHaveLength(7);
    const stats = (await (await fetch(`${inventoryServiceUrl()}/inventory/stats`, { headers: session })).json()) as {
      products: Record<string, unknown>;
    };
    expect(stats.products).toEqual({ total_products: 7, total_stock: 235, total_reserved: 0, total_available: 235 });
  });

  test("orders: create (dummy-order.json), list, get one, reset", async () => {
    const dummyOrder = {
      items: [
        { product: "Widget Pro", quantity: 2 },
        { product: "Gadget Max", quantity: 1 },
        { product: "Tool Set", quantity: 3 },
      ],
    };
    const created = await fetch(`${orderServiceUrl()}/orders`, { method: "POST", headers: json, body: JSON.stringify(dummyOrder) });
    expect(created.status).toBe(200);
    const order = (await created.json()) as { id: string; status: string; items: unknown };
    expect(order.status).toBe("PENDING");
    expect(order.items).toEqual(dummyOrder.items);
    expect((await waitForOrderStatus(order.id)).status).toBe("CANCELLED");
    const list = (await (await fetch(`${orderServiceUrl()}/orders`, { headers: session })).json()) as { id: string }[];
    expect(list.map((o) => o.id)).toContain(order.id);
    const missing = await fetch(`${orderServiceUrl()}/orders/does-not-exist`, { headers: session });
    expect(missing.status).toBe(404);
    const reset = await fetch(`${orderServiceUrl()}/orders/reset`, { method: "POST", headers: session });
    expect(((await reset.json()) as { message: string }).message).toBeString();
  });

  test("payments list on the payment service", async () => {
    const res = await fetch(`${paymentServiceUrl()}/payments`, { headers: session });
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });
});

describe("SWAP's integration tests and front end", () => {
  test("a successful order completes, takes one unit, and has one txn_ payment", async () => {
    await fetch(`${inventoryServiceUrl()}/inventory/reset`, { method: "POST", headers: session });
    const created = (await (
      await fetch(`${orderServiceUrl()}/orders`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          items: [{ product: "laptop", quantity: 1 }],
          paymentBehaviour: "success",
          inventoryBehaviour: "success",
          skipDemoDelays: true,
        }),
      })
    ).json()) as { id: string };
    expect((await waitForOrderStatus(created.id)).status).toBe("COMPLETED");
    const inventory = (await (await fetch(`${inventoryServiceUrl()}/inventory`, { headers: session })).json()) as {
      id: string;
      stock_level: number;
      reserved: number;
      available: number;
    }[];
    const laptop = inventory.find((p) => p.id === "laptop");
    expect(laptop).toMatchObject({ stock_level: 4, reserved: 0, available: 4 });
    const payments = (await (await fetch(`${paymentServiceUrl()}/payments`, { headers: session })).json()) as {
      id: string;
      order_id: string;
      version: number;
    }[];
    const mine = payments.filter((p) => p.order_id === created.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.id).toMatch(/^txn_/);
    expect(mine[0]!.version).toBeGreaterThan(0);
  });

  test("a missing session header names x-session-id; empty items are a 400", async () => {
    const noSession = await fetch(`${inventoryServiceUrl()}/inventory`);
    expect(noSession.status).toBe(400);
    expect(((await noSession.json()) as { error: string }).error).toContain("x-session-id");
    const empty = await fetch(`${orderServiceUrl()}/orders`, { method: "POST", headers: json, body: JSON.stringify({ items: [] }) });
    expect(empty.status).toBe(400);
  });

  test("SWAP's benchmark body (productId lines, userId) is accepted with 200", async () => {
    const res = await fetch(`${orderServiceUrl()}/orders`, {
      method: "POST",
      headers: { ...json, "x-session-id": "benchmark" },
      body: JSON.stringify({ userId: "bench-user-1", items: [{ productId: "item1", quantity: 1 }], skipDemoDelays: true }),
    });
    expect(res.status).toBe(200);
    const order = (await res.json()) as { id: string };
    const settled = await fetch(`${orderServiceUrl()}/orders/${order.id}?wait=10000`, { headers: { "x-session-id": "benchmark" } });
    expect(((await settled.json()) as { status: string }).status).toBe("CANCELLED");
  });

  test("SWAP's order service without a session: the sentence is in `message` too, as its clients read it", async () => {
    const res = await fetch(`${orderServiceUrl()}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ product: "laptop", quantity: 1 }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "Missing x-session-id header",
      code: "SESSION_REQUIRED",
      message: "Missing x-session-id header",
    });
  });

  test("SWAP's benchmark, replayed: it seeds the `benchmark` session with no body, then every one of 1,000 orders completes", async () => {
    const bench = { "content-type": "application/json", "x-session-id": "benchmark" };
    const seeded = await fetch(`${inventoryServiceUrl()}/inventory/seed`, { method: "POST", headers: { "x-session-id": "benchmark" } });
    const products = ((await seeded.json()) as { products: { stock_level: number }[] }).products;
    expect(products.map((p) => p.stock_level)).toEqual(products.map(() => 999));
    // Its defaults: one unit of laptop, mouse, keyboard or monitor per order, ten at a time, polled until final.
    const productIds = ["laptop", "mouse", "keyboard", "monitor"];
    const statuses: string[] = [];
    for (let batch = 0; batch < 100; batch += 1) {
      const settled = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const orderNum = batch * 10 + i + 1;
          const body = {
            userId: `bench-user-${orderNum}`,
            items: [{ product: productIds[orderNum % productIds.length], quantity: 1 }],
            behaviour: "success",
            skipDemoDelays: true,
          };
          const created = await fetch(`${orderServiceUrl()}/orders`, { method: "POST", headers: bench, body: JSON.stringify(body) });
          expect(created.status).toBe(200);
          const { id } = (await created.json()) as { id: string };
          const final = await fetch(`${orderServiceUrl()}/orders/${id}?wait=10000`, { headers: bench });
          return ((await final.json()) as { status: string }).status;
        }),
      );
      statuses.push(...settled);
    }
    expect(statuses.filter((s) => s === "COMPLETED")).toHaveLength(1_000);
    // Another session still gets the contract's catalog.
    const other = await fetch(`${inventoryServiceUrl()}/inventory/seed`, { method: "POST", headers: session });
    const laptop = ((await other.json()) as { products: { id: string; stock_level: number }[] }).products.find((p) => p.id === "laptop");
    expect(laptop?.stock_level).toBe(5);
  }, 60_000);

  test("the health check answers ok without a session", async () => {
    const res = await fetch(`${orderServiceUrl()}/health`);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });
});
