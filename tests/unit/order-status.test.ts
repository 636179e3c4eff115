import { expect, test } from "bun:test";
import { canTransition, isFinal, statusesLeadingTo } from "../../src/modules/orders/order-status";

test("an order moves forward only: PENDING → PROCESSING → COMPLETED | CANCELLED", () => {
  expect(canTransition("PENDING", "PROCESSING")).toBe(true);
  expect(canTransition("PROCESSING", "COMPLETED")).toBe(true);
  expect(canTransition("PROCESSING", "CANCELLED")).toBe(true);
  expect(canTransition("PENDING", "CANCELLED")).toBe(true);
  expect(canTransition("PROCESSING", "PENDING")).toBe(false);
  expect(canTransition("COMPLETED", "PROCESSING")).toBe(false);
  expect(canTransition("CANCELLED", "COMPLETED")).toBe(false);
  // A completed order cancelled by its customer: stock put back, money refunded.
  expect(canTransition("COMPLETED", "CANCELLED")).toBe(true);
});

test("COMPLETED and CANCELLED are terminal", () => {
  expect(["PENDING", "PROCESSING", "COMPLETED", "CANCELLED"].filter((s) => isFinal(s as never))).toEqual(["COMPLETED", "CANCELLED"]);
});

test("the guard of a conditional update lists every state the target may be entered from", () => {
  expect(statusesLeadingTo("CANCELLED")).toEqual(["PENDING", "PROCESSING", "COMPLETED"]);
  expect(statusesLeadingTo("PROCESSING")).toEqual(["PENDING"]);
  expect(statusesLeadingTo("PENDING")).toEqual([]);
});
