import { expect, test } from "bun:test";
import { canTransition, isTerminal, statusesLeadingTo } from "../../src/modules/orders/order-status";

test("an order moves forward only: PENDING → PROCESSING → COMPLETED | CANCELLED", () => {
  expect(canTransition("PENDING", "PROCESSING")).toBe(true);
  expect(canTransition("PROCESSING", "COMPLETED")).toBe(true);
  expect(canTransition("PROCESSING", "CANCELLED")).toBe(true);
  expect(canTransition("PENDING", "CANCELLED")).toBe(true);
  expect(canTransition("PROCESSING", "PENDING")).toBe(false);
  expect(canTransition("COMPLETED", "PROCESSING")).toBe(false);
  expect(canTransition("CANCELLED", "COMPLETED")).toBe(false);
});

test("COMPLETED and CANCELLED are terminal", () => {
  expect(["PENDING", "PROCESSING", "COMPLETED", "CANCELLED"].filter((s) => isTerminal(s as never))).toEqual(["COMPLETED", "CANCELLED"]);
});

test("the guard of a conditional update lists every state the target may be entered from", () => {
  expect(statusesLeadingTo("CANCELLED")).toEqual(["PENDING", "PROCESSING"]);
  expect(statusesLeadingTo("PROCESSING")).toEqual(["PENDING"]);
  expect(statusesLeadingTo("PENDING")).toEqual([]);
});

test("a stale INVENTORY_RESERVED cannot move a finished order back to PROCESSING", async () => {
  const { createTestApp, fiveMousePads } = await import("../support/test-app");
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: placed } = await t.request("POST", "/orders", { body: fiveMousePads });
  t.settle();
  const { ordersStatements } = await import("../../src/modules/orders/orders.sql");
  const { moveToProcessing } = ordersStatements(t.deps.db.$client);
  expect(moveToProcessing.get({ sessionId: "test-session", orderId: placed.id, totalCents: 1, now: t.clock.now() })).toBeNull();
  expect((await t.request("GET", `/orders/${placed.id}`)).body.status).toBe("COMPLETED");
});
