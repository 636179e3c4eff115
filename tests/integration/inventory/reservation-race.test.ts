import { expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

test("when 50 buyers race for 10 units, exactly 10 orders complete and 40 are inventory_depleted", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed", {
    body: { products: [{ id: "ticket", name: "Concert Ticket", stock_level: 10, price_cents: 5000 }] },
  });

  const placed = await Promise.all(
    Array.from({ length: 50 }, () =>
      t.request("POST", "/orders", { body: { items: [{ product: "ticket", quantity: 1 }], skipDemoDelays: true } }),
    ),
  );
  expect(placed.every((r) => r.status === 200)).toBe(true);
  t.settle();

  const orders = (await t.request("GET", "/orders")).body as { status: string; cancellationSource: string | null }[];
  expect(orders.filter((o) => o.status === "COMPLETED")).toHaveLength(10);
  expect(orders.filter((o) => o.status === "CANCELLED" && o.cancellationSource === "inventory_depleted")).toHaveLength(40);
  const [ticket] = (await t.request("GET", "/inventory")).body;
  expect(ticket).toMatchObject({ stock_level: 0, reserved: 0, available: 0 });
  expect((await t.request("GET", "/payments")).body.filter((p: { status: string }) => p.status === "SUCCESS")).toHaveLength(10);
});

test("with every reservation held at once, reserved never exceeds the stock level", async () => {
  const t = createTestApp({ config: { inventoryDelayMs: 0, paymentDelayMs: 60_000 } });
  await t.request("POST", "/inventory/seed", {
    body: { products: [{ id: "ticket", name: "Concert Ticket", stock_level: 10, price_cents: 5000 }] },
  });
  for (let i = 0; i < 30; i += 1) {
    await t.request("POST", "/orders", { body: { items: [{ product: "ticket", quantity: 1 + (i % 3) }] } });
  }
  t.relay.runDue();
  const [ticket] = (await t.request("GET", "/inventory")).body;
  expect(ticket.reserved).toBe(10);
  expect(ticket.stock_level).toBe(10);
  expect(ticket.reservationStatus).toBe("RESERVED");
});

test("the CHECK constraint refuses a write that would oversell, whatever the code does", () => {
  const t = createTestApp();
  t.deps.db.$client.run(
    "INSERT INTO products (id, session_id, name, price_cents, stock_level, reserved, created_at, updated_at) VALUES ('p', 's', 'P', 1, 1, 0, 0, 0)",
  );
  expect(() => t.deps.db.$client.run("UPDATE products SET reserved = 2 WHERE id = 'p'")).toThrow(/CHECK constraint failed/);
  expect(() => t.deps.db.$client.run("UPDATE products SET reserved = -1 WHERE id = 'p'")).toThrow(/CHECK constraint failed/);
});
