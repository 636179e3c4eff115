import type { Random } from "../../platform/random";
import type { AskedBehaviour } from "../simulated-failure";
import { decidePayment } from "./payment-rules";
import type { PaymentOutcome, PaymentState } from "./payments.decide";

/**
 * What payments decides when it is called (PaymentService, which the rpc saga style drives)
 * rather than when it hears an event: pure functions of the call and the order's payment. The
 * rules are the reactions' (one payment per order, the same simulated card network, SUCCESS →
 * REFUNDED once); the caller is answered instead of an event being emitted.
 */

/** PaymentResponse: the payment as it now is. */
export interface PaymentAnswer {
  paymentId: string;
  success: boolean;
  status: string;
  message: string;
}

export type PaymentCallOutcome = { type: "answer"; answer: PaymentAnswer } | Exclude<PaymentOutcome, { type: "emit" } | { type: "ignore" }>;

const answer = (paymentId: string, success: boolean, status: string, message: string): PaymentCallOutcome => ({
  type: "answer",
  answer: { paymentId, success, status, message },
});

export interface ChargeContext {
  random: Random;
  /** The session's `paymentFailureRate`: applies only to a call that names no behaviour. */
  failureRate: number;
  newPaymentId: () => string;
}

/** Charge: the order's first charge opens its payment and charges it at once; a second is answered with the first. */
export function decideChargeCall(
  payment: PaymentState,
  call: { amountCents: number; asked: AskedBehaviour },
  { random, failureRate, newPaymentId }: ChargeContext,
): PaymentCallOutcome[] {
  if (payment) {
    const success = payment.status === "SUCCESS";
    return [answer(payment.id, success, payment.status, success ? "Already charged" : `The order's payment is already ${payment.status}`)];
  }
  const paymentId = newPaymentId();
  const open: PaymentCallOutcome = { type: "open", paymentId, amountCents: call.amountCents };
  const decision = decidePayment(call.asked, failureRate, random);
  if (decision.status === "SUCCESS") {
    return [
      open,
      { type: "move", paymentId, from: "PENDING", to: "SUCCESS", failureReason: null },
      answer(paymentId, true, "SUCCESS", "Charged"),
    ];
  }
  return [
    open,
    { type: "move", paymentId, from: "PENDING", to: "FAILED", failureReason: decision.reason },
    answer(paymentId, false, "FAILED", decision.reason),
  ];
}

/** Refund: a SUCCESS payment's money goes back, once; one that took nothing has nothing to give back. */
export function decideRefundCall(payment: NonNullable<PaymentState>, reason: string): PaymentCallOutcome[] {
  if (payment.status === "REFUNDED") return [answer(payment.id, true, "REFUNDED", "Already refunded")];
  if (payment.status !== "SUCCESS")
    return [answer(payment.id, false, payment.status, `Nothing was taken: the payment is ${payment.status}`)];
  return [
    { type: "move", paymentId: payment.id, from: "SUCCESS", to: "REFUNDED", failureReason: reason },
    answer(payment.id, true, "REFUNDED", "Refunded"),
  ];
}
