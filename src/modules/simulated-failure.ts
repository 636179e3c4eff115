import { happens, type Random } from "../platform/random";
import type { Behaviour } from "./saga-terms";

/**
 * The one rule by which a saga step fails on purpose, shared by inventory (reserving),
 * payments (charging) and shipping (sending the parcel): an order that names a behaviour gets
 * it (`random` fails half the time), an order that names none fails with the session's
 * failure-rate knob for that step.
 */

/** The step whose failure is simulated: it names the order's field and the session's knob. */
export type SimulatedStep = "inventory" | "payment" | "shipping";

/** What the order asked of the step; `given` false: it asked nothing, so the session's rate decides. */
export interface AskedBehaviour {
  behaviour: Behaviour;
  given: boolean;
}

/** `random` fails half the time, drawn from the injected source so a test can fix the outcome. */
export function behaviourFails(behaviour: Behaviour, random: Random): boolean {
  if (behaviour === "failure") return true;
  if (behaviour === "random") return random() < 0.5;
  return false;
}

/**
 * Why the step fails, in the words the order's failure reason quotes ("inventoryBehaviour:
 * random", "the session's paymentFailureRate is 0.3"); null: it does not fail. A rate of 0
 * draws nothing, so the random sequence is the same as without the knob.
 */
export function simulatedFailure(step: SimulatedStep, asked: AskedBehaviour, failureRate: number, random: Random): string | null {
  if (!asked.given) return happens(failureRate, random) ? `the session's ${step}FailureRate is ${failureRate}` : null;
  return behaviourFails(asked.behaviour, random) ? `${step}Behaviour: ${asked.behaviour}` : null;
}
