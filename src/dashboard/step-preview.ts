/**
 * What the bus panel says before a Step: which delivery Step runs (Steering.nextStep chose it,
 * the one rule Step and the page share), how many deliveries of earlier orders run before the
 * newest order's, and, with `predictNext` on, the room's multiple choice and its verdict. Pure:
 * views/step-next.tsx draws it, tests/unit/step-preview.test.ts specifies it.
 */

/** A scheduled delivery as the preview needs it (GET /bus/deliveries' fields). */
export interface PreviewDelivery {
  id: number;
  eventType: string | null;
  orderId: string | null;
  reaction: string;
}

/** A reaction the server subscribed: its name (`module.intent`) and the event type it is for. */
export interface SubscribedReaction {
  name: string;
  on: string;
}

export interface StepPreview {
  /** The delivery Step runs next; null when nothing is scheduled. */
  next: PreviewDelivery | null;
  /**
   * How many deliveries Step runs before the newest order's first one (those of earlier orders,
   * due or held first): 0 when the next is the newest order's, or when it has none waiting.
   */
  aheadOfNewest: number;
  newestOrderId: string | null;
}

/**
 * Given the session's scheduled deliveries in the order Step takes them (next due first) and
 * the delivery Step runs next, when the newest order is `newestOrderId`: what the panel says.
 */
export function stepPreview(
  scheduled: readonly PreviewDelivery[],
  next: PreviewDelivery | null,
  newestOrderId: string | null,
): StepPreview {
  const firstOfNewest = newestOrderId === null ? -1 : scheduled.findIndex((d) => d.orderId === newestOrderId);
  return { next, aheadOfNewest: Math.max(0, firstOfNewest), newestOrderId };
}

/** How many reactions "What happens next?" offers: the right one and three others. */
export const PREDICTION_CHOICES = 4;

/**
 * The multiple choice for "What happens next?": the reaction Step will run, and distractors
 * chosen deterministically from the reactions subscribed (never at random, so every screen of
 * the session asks the same question): first the other reactions to the same event type (the
 * ones a guess is most likely to confuse it with), then those subscribed after it, in the
 * registry's order, wrapping round. Offered in name order, so the right one's place tells nothing.
 */
export function predictionChoices(answer: string, reactions: readonly SubscribedReaction[], count: number = PREDICTION_CHOICES): string[] {
  const at = reactions.findIndex((r) => r.name === answer);
  const on = reactions[at]?.on;
  const others = [...reactions.slice(at + 1), ...reactions.slice(0, Math.max(0, at))].filter((r) => r.name !== answer);
  const sameEvent = others.filter((r) => r.on === on);
  const rest = others.filter((r) => r.on !== on);
  const distractors = [...sameEvent, ...rest].slice(0, Math.max(0, count - 1)).map((r) => r.name);
  return [answer, ...distractors].sort();
}

export interface PredictionVerdict {
  right: boolean;
  /** One sentence: what ran and why, and what the pick is for when it was wrong. */
  says: string;
}

const orderWords = (orderId: string | null) => (orderId ? ` of order …${orderId.slice(-8)}` : "");

/**
 * Given the room's pick and the delivery Step ran, then: right or not, and why in one sentence,
 * from what the registry says of the reactions (the event type each is subscribed to).
 */
export function predictionVerdict(guess: string, ran: PreviewDelivery, reactions: readonly SubscribedReaction[]): PredictionVerdict {
  const event = ran.eventType ?? "an event a reset removed";
  const why = `${ran.reaction} is subscribed to ${event}, and ${event}${orderWords(ran.orderId)} was first in the bus's schedule (next due first)`;
  if (guess === ran.reaction) return { right: true, says: `Right: ${why}.` };
  const picked = reactions.find((r) => r.name === guess);
  const pickedFor = picked ? `; ${guess} reacts to ${picked.on}` : "";
  return { right: false, says: `Not this time: ${why}${pickedFor}.` };
}
