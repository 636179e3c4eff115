import { describe, expect, test } from "bun:test";
import { Breakable, wordsOf } from "../../src/dashboard/views/breakable";

describe("where a machine name may wrap", () => {
  test("a reaction wraps after its module and between its camelCase words", () => {
    expect(wordsOf("inventory.reserveStockWhenOrderCreated")).toEqual(["inventory.", "reserve", "Stock", "When", "Order", "Created"]);
  });

  test("an event type wraps after each underscore; an all-capital word stays whole", () => {
    expect(wordsOf("ORDER_CREATED")).toEqual(["ORDER_", "CREATED"]);
    expect(wordsOf("RPC_CALL")).toEqual(["RPC_", "CALL"]);
    expect(wordsOf("payments.refundWhenStockNotDelivered")).toEqual(["payments.", "refund", "When", "Stock", "Not", "Delivered"]);
  });

  test("rendered, the words are the name again, with a <wbr> between them and nothing else added", () => {
    expect(String(<Breakable name="orders.cancelOrderWhenTimedOut" />)).toBe(
      "orders.<wbr/>cancel<wbr/>Order<wbr/>When<wbr/>Timed<wbr/>Out",
    );
    expect(String(<Breakable name="x" />)).toBe("x");
  });
});
