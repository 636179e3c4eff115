import type { Random } from "../../platform/random";
import type { Behaviour } from "../saga-terms";

export type PaymentDecision = { status: "SUCCESS" } | { status: "FAILED"; reason: string };

const randomDeclines = ["card_declined", "insufficient_funds", "expired_card"] as const;

/** What the simulated card network answers for a behaviour; `random` succeeds half the time. */
export function decidePayment(behaviour: Behaviour, random: Random): PaymentDecision {
  if (behaviour === "failure") return { status: "FAILED", reason: "card_declined (paymentBehaviour: failure)" };
  if (behaviour === "random" && random() < 0.5) {
    const reason = randomDeclines[Math.floor(random() * randomDeclines.length)] ?? "card_declined";
    return { status: "FAILED", reason: `${reason} (paymentBehaviour: random)` };
  }
  return { status: "SUCCESS" };
}

export const centsToAmount = (cents: number): number => cents / 100;
