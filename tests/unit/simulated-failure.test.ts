import { expect, test } from "bun:test";
import { simulatedFailure } from "../../src/modules/simulated-failure";

test("an order that names a behaviour gets it, quoted the way its failure reason reads", () => {
  expect(simulatedFailure("inventory", { behaviour: "failure", given: true }, 1, () => 0.99)).toBe("inventoryBehaviour: failure");
  expect(simulatedFailure("payment", { behaviour: "random", given: true }, 0, () => 0.49)).toBe("paymentBehaviour: random");
  expect(simulatedFailure("payment", { behaviour: "random", given: true }, 1, () => 0.5)).toBeNull();
  expect(simulatedFailure("inventory", { behaviour: "success", given: true }, 1, () => 0)).toBeNull();
});

test("an order that names none fails with the session's rate for the step, and a rate of 0 draws nothing", () => {
  expect(simulatedFailure("inventory", { behaviour: "success", given: false }, 0.3, () => 0.29)).toBe(
    "the session's inventoryFailureRate is 0.3",
  );
  expect(simulatedFailure("payment", { behaviour: "success", given: false }, 0.3, () => 0.3)).toBeNull();
  let draws = 0;
  expect(simulatedFailure("payment", { behaviour: "failure", given: false }, 0, () => ++draws)).toBeNull();
  expect(draws).toBe(0);
});
