import { type Random, happens } from "../../platform/random";
import type { Behaviour } from "../saga-terms";

export type PaymentDecision = { status: "SUCCESS" } | { status: "FAILED"; reason: string };

const randomDeclines = ["card_declined", "insufficient_funds", "expired_card"] as const;

/**
 * What the simulated card network answers for a behaviour; `random` succeeds half the time. An
 * order that asked for no behaviour is declined with the session's `paymentFailureRate`.
 */
export function decidePayment(asked: { behaviour: Behaviour; given: boolean }, failureRate: number, random: Random): PaymentDecision {
  const { behaviour } = asked;
  if (!asked.given) {
    if (!happens(failureRate, random)) return { status: "SUCCESS" };
    return { status: "FAILED", reason: `card_declined (the session's paymentFailureRate is ${failureRate})` };
  }
  if (behaviour === "failure") return { status: "FAILED", reason: "card_declined (paymentBehaviour: failure)" };
  if (behaviour === "random" && random() < 0.5) {
    const reason = randomDeclines[Math.floor(random() * randomDeclines.length)] ?? "card_declined";
    return { status: "FAILED", reason: `${reason} (paymentBehaviour: random)` };
  }
  return { status: "SUCCESS" };
}

export const centsToAmount = (cents: number): number => cents / 100;
