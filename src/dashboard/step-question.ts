import { z } from "zod";
import { InvalidStateError, ValidationError } from "../platform/errors";
import type { DashboardData, DashboardSources } from "./dashboard-data";
import { predictionChoices } from "./step-preview";

const reactionName = z.string().trim().min(1).max(200);
const deliveryId = z.coerce.number().int().min(1);

/** `POST /dashboard/bus/guess`: the room's pick for the delivery the question was asked about. */
export const guessFormSchema = z.object({ deliveryId, reaction: reactionName });

/**
 * A pick checked against the question the panel asks now: predictNext on in step mode, the
 * delivery still the one Step runs next, the pick one of its choices. Anything else is refused
 * (and nothing is written either way: a guess is never stored).
 */
export function checkGuess(
  sources: Pick<DashboardSources, "settings" | "steering">,
  data: Pick<DashboardData, "subscribedReactions">,
  sessionId: string,
  guess: z.infer<typeof guessFormSchema>,
): void {
  const settings = sources.settings.of(sessionId);
  if (!settings.predictNext || !settings.stepMode)
    throw new InvalidStateError("The room is asked what happens next only with predictNext and step mode on");
  const next = sources.steering.nextStep(sessionId);
  if (!next || next.id !== guess.deliveryId)
    throw new InvalidStateError("The bus has moved on since the question was asked: the panel asks about the next delivery now");
  if (!predictionChoices(next.reaction, data.subscribedReactions()).includes(guess.reaction))
    throw new ValidationError([{ path: "reaction", message: "Not one of the question's choices" }]);
}
