import { describe, expect, test } from "bun:test";
import { pairingCulprits, stockCulprits } from "../../src/consistency/culprits";

const mice = (quantity: number) => ({ items: [{ product: "mouse", quantity }] });
const at = (seq: number, orderId: string, type: string, data: unknown = mice(2)) => ({ seq, orderId, type, data });

describe("which events broke a promise", () => {
  test("stock: a second return or a second take of one order's units, not the first", () => {
    const events = [
      at(2, "a", "INVENTORY_RESERVED"),
      at(4, "a", "INVENTORY_RELEASED"),
      at(6, "a", "INVENTORY_RELEASED"),
      at(8, "b", "INVENTORY_RESERVED"),
      at(9, "b", "INVENTORY_CONFIRMED"),
      at(11, "b", "INVENTORY_CONFIRMED"),
    ];
    expect(stockCulprits("mouse", events)).toEqual([6, 11]);
    expect(stockCulprits("keyboard", events)).toEqual([]);
  });
  test("stock: failing those, confirmations between another saga's reservation and confirmation (a lost update)", () => {
    const events = [
      at(2, "a", "INVENTORY_RESERVED"),
      at(3, "b", "INVENTORY_RESERVED"),
      at(7, "a", "INVENTORY_CONFIRMED"),
      at(9, "b", "INVENTORY_CONFIRMED"),
    ];
    expect(stockCulprits("mouse", events)).toEqual([7, 9]);
    const oneAfterTheOther = [
      at(2, "a", "INVENTORY_RESERVED"),
      at(3, "a", "INVENTORY_CONFIRMED"),
      at(5, "b", "INVENTORY_RESERVED"),
      at(6, "b", "INVENTORY_CONFIRMED"),
    ];
    expect(stockCulprits("mouse", oneAfterTheOther)).toEqual([]);
  });
  test("pairing: a confirmation after the release a cancel asked for, with that cancel", () => {
    const late = [at(4, "a", "ORDER_CANCELLATION_REQUESTED"), at(5, "a", "INVENTORY_RELEASED"), at(9, "a", "INVENTORY_CONFIRMED")];
    expect(pairingCulprits(late)).toEqual([4, 5, 9]);
    expect(pairingCulprits([at(3, "a", "INVENTORY_CONFIRMED"), at(4, "a", "ORDER_CANCELLATION_REQUESTED")])).toEqual([]);
  });
});
