import { describe, expect, test } from "bun:test";
import { formatCents, moduleOf, shortId, sinceStart } from "../../src/dashboard/format";

describe("dashboard formatting", () => {
  test("short ids come from the random tail, so orders placed together still differ", () => {
    expect(shortId("019a8f3c-1b2d-7e4f-9a0b-5c6d7e8f9a0b")).toBe("7e8f9a0b");
    expect(shortId("019a8f3c-1b2d-7e4f-9a0b-000000000001")).not.toBe(shortId("019a8f3c-1b2d-7e4f-9a0b-000000000002"));
    expect(shortId("txn_019a8f3c-1b2d-7e4f-9a0b-5c6d7e8f9a0b")).toBe("7e8f9a0b");
    expect(shortId("abc")).toBe("abc");
  });

  test("each event type belongs to the module that emits it", () => {
    expect(moduleOf("ORDER_CREATED")).toBe("orders");
    expect(moduleOf("INVENTORY_RELEASED")).toBe("inventory");
    expect(moduleOf("PAYMENT_REFUNDED")).toBe("payments");
  });

  test("money and time read the way the workshop talks about them", () => {
    expect(formatCents(129999)).toBe("$1,299.99");
    expect(formatCents(null)).toBe("—");
    expect(sinceStart(3012)).toBe("+3.012 s");
  });
});
