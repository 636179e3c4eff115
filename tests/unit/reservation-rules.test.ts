import { expect, test } from "bun:test";
import { describeShortage, mergeLines } from "../../src/modules/inventory/reservation-rules";
import { behaviourFails } from "../../src/modules/simulated-failure";

test("lines naming the same product merge into one", () => {
  expect(
    mergeLines([
      { product: "a", quantity: 1 },
      { product: "b", quantity: 2 },
      { product: "a", quantity: 3 },
    ]),
  ).toEqual([
    { product: "a", quantity: 4 },
    { product: "b", quantity: 2 },
  ]);
});

test("behaviours: failure always fails, success never, random below one half", () => {
  expect(behaviourFails("failure", () => 0.99)).toBe(true);
  expect(behaviourFails("success", () => 0)).toBe(false);
  expect(behaviourFails("random", () => 0.49)).toBe(true);
  expect(behaviourFails("random", () => 0.5)).toBe(false);
});

test("a shortage reads as one sentence naming every short line", () => {
  expect(
    describeShortage([
      { product: "laptop", requested: 999, available: 5, known: true },
      { product: "ghost", requested: 1, available: 0, known: false },
    ]),
  ).toBe("Insufficient stock: laptop (requested: 999, available: 5), ghost (unknown product, requested: 1)");
});
