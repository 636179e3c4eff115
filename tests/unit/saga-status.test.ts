import { describe, expect, test } from "bun:test";
import { sagaStatusOf } from "../../src/sagas/sagas";

describe("where a saga stands for an operator (GET /sagas)", () => {
  test("given a dead letter, the saga is stuck whatever its order's status", () => {
    for (const orderStatus of ["PENDING", "PROCESSING", "COMPLETED", "CANCELLED"] as const) {
      expect(sagaStatusOf({ orderStatus, deadLetters: 1, overdue: false })).toBe("stuck");
    }
  });
  test("given no dead letter, a final order says how the saga ended, even past its timeout", () => {
    expect(sagaStatusOf({ orderStatus: "COMPLETED", deadLetters: 0, overdue: true })).toBe("completed");
    expect(sagaStatusOf({ orderStatus: "CANCELLED", deadLetters: 0, overdue: true })).toBe("cancelled");
  });
  test("given an order not final, the saga runs until its timeout and is stuck after it", () => {
    expect(sagaStatusOf({ orderStatus: "PROCESSING", deadLetters: 0, overdue: false })).toBe("running");
    expect(sagaStatusOf({ orderStatus: "PENDING", deadLetters: 0, overdue: true })).toBe("stuck");
  });
});
