import { type BugSwitch, isOn } from "../bugs";
import { centsToAmount } from "./payment-rules";
import {
  type ChargeRequest,
  onStockReservedCharge,
  type PaymentDecisionContext,
  type PaymentOutcome,
  type PaymentState,
} from "./payments.decide";

/**
 * "Break it": payments' bug, a named variant of its charge (payments.decide.ts), put back only
 * in a session that switched it on; `paymentRulesFor` is the one place that picks it.
 */
export interface PaymentRules {
  charge: (event: ChargeRequest, payment: PaymentState, context: PaymentDecisionContext) => PaymentOutcome[];
}

export const correctPaymentRules: PaymentRules = { charge: onStockReservedCharge };

/**
 * `nonIdempotentConsumers`: a charge delivered again for a payment already taken takes the money
 * again (a second PAYMENT_SUCCESS: the card is charged twice) instead of recognising it
 * (`onStockReservedCharge`: "the payment is already SUCCESS").
 */
export function chargeEvenIfCharged(event: ChargeRequest, payment: PaymentState, context: PaymentDecisionContext): PaymentOutcome[] {
  if (payment?.status !== "SUCCESS") return onStockReservedCharge(event, payment, context);
  const { id: paymentId, amountCents } = payment;
  const shipment = event.data.shipment ? { shipment: event.data.shipment } : {};
  return [
    { type: "emit", event: { type: "PAYMENT_SUCCESS", data: { paymentId, amount: centsToAmount(amountCents), amountCents, ...shipment } } },
  ];
}

const buggy: PaymentRules = { charge: chargeEvenIfCharged };

/** The one place payments' variant is chosen: the correct rules unless the session put the bug back. */
export const paymentRulesFor = (bugs: readonly BugSwitch[]): PaymentRules =>
  isOn(bugs, "nonIdempotentConsumers") ? buggy : correctPaymentRules;
