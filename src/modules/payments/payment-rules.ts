import type { Random } from "../../platform/random";
import { type AskedBehaviour, simulatedFailure } from "../simulated-failure";

export type PaymentDecision = { status: "SUCCESS" } | { status: "FAILED"; reason: string };

const randomDeclines = ["card_declined", "insufficient_funds", "expired_card"] as const;

/**
 * What the simulated card network answers for a behaviour; `random` succeeds half the time. An
 * order that asked for no behaviour is declined with the session's `paymentFailureRate`.
 */
export function decidePayment(asked: AskedBehaviour, failureRate: number, random: Random): PaymentDecision {
  const why = simulatedFailure("payment", asked, failureRate, random);
  if (!why) return { status: "SUCCESS" };
  // A random failure also draws which decline the card network answers; the others are plain declines.
  const decline =
    asked.given && asked.behaviour === "random"
      ? (randomDeclines[Math.floor(random() * randomDeclines.length)] ?? "card_declined")
      : "card_declined";
  return { status: "FAILED", reason: `${decline} (${why})` };
}

export const centsToAmount = (cents: number): number => cents / 100;
