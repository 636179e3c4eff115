import { expect, test } from "bun:test";
import { centsToAmount, decidePayment } from "../../src/modules/payments/payment-rules";

test("failure declines, success charges, random declines below one half with a named reason", () => {
  expect(decidePayment("failure", () => 0.9)).toEqual({ status: "FAILED", reason: "card_declined (paymentBehaviour: failure)" });
  expect(decidePayment("success", () => 0)).toEqual({ status: "SUCCESS" });
  expect(decidePayment("random", () => 0.5)).toEqual({ status: "SUCCESS" });
  const draws = [0.1, 0.7];
  expect(decidePayment("random", () => draws.shift()!)).toEqual({ status: "FAILED", reason: "expired_card (paymentBehaviour: random)" });
});

test("amounts are cents over one hundred", () => {
  expect(centsToAmount(12495)).toBe(124.95);
  expect(centsToAmount(0)).toBe(0);
});
