import { describe, expect, test } from "bun:test";
import { leftoverOrders } from "../../src/sessions/reset-leftovers";

describe("what an orders reset leaves behind in the other modules", () => {
  test("given rows of three orders, when one still exists and one has a compensation on its way, then only the third is clutter", () => {
    expect(leftoverOrders(["kept", "undoing", "gone"], new Set(["kept"]), new Set(["undoing"]))).toEqual(["gone"]);
  });
  test("given no rows, then nothing is clutter", () => {
    expect(leftoverOrders([], new Set(), new Set())).toEqual([]);
  });
});
