import { expect, test } from "bun:test";
import { centsToAmount, decidePayment } from "../../src/modules/payments/payment-rules";

const asked = (behaviour: "success" | "failure" | "random") => ({ behaviour, given: true });

test("failure declines, success charges, random declines below one half with a named reason", () => {
  expect(decidePayment(asked("failure"), 0, () => 0.9)).toEqual({ status: "FAILED", reason: "card_declined (paymentBehaviour: failure)" });
  expect(decidePayment(asked("success"), 1, () => 0)).toEqual({ status: "SUCCESS" });
  expect(decidePayment(asked("random"), 0, () => 0.5)).toEqual({ status: "SUCCESS" });
  const draws = [0.1, 0.7];
  expect(decidePayment(asked("random"), 0, () => draws.shift()!)).toEqual({
    status: "FAILED",
    reason: "expired_card (paymentBehaviour: random)",
  });
});

test("an order that asked for nothing is declined with the session's paymentFailureRate", () => {
  const unasked = { behaviour: "success" as const, given: false };
  expect(decidePayment(unasked, 0.25, () => 0.2)).toEqual({
    status: "FAILED",
    reason: "card_declined (the session's paymentFailureRate is 0.25)",
  });
  expect(decidePayment(unasked, 0.25, () => 0.25)).toEqual({ status: "SUCCESS" });
  expect(decidePayment(unasked, 0, () => 0)).toEqual({ status: "SUCCESS" });
});

test("amounts are cents over one hundred", () => {
  expect(centsToAmount(12495)).toBe(124.95);
  expect(centsToAmount(0)).toBe(0);
});
