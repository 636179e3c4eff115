import { shortId } from "../format";
import type { PredictionVerdict, StepPreview } from "../step-preview";
import { Breakable } from "./breakable";
import { ReactionName } from "./reaction-name";

/** "What happens next?": the delivery it is about, its choices (step-preview.ts), and the room's pick so far. */
export interface StepQuestion {
  deliveryId: number;
  choices: string[];
  guess?: string;
}

/**
 * Before the click, what Step runs: the reaction, the event it receives and its order (the same
 * delivery Step takes: Steering.nextStep); and, in a session with earlier orders still waiting,
 * how many of their deliveries run before the newest order's.
 */
export function NextStepLine(props: { preview: StepPreview }) {
  const { next, aheadOfNewest, newestOrderId } = props.preview;
  if (!next) return null;
  return (
    <div class="step-preview">
      <p class="step-preview-next" data-next-delivery-id={String(next.id)} data-next-reaction={next.reaction}>
        Step → <ReactionName name={next.reaction} class="reaction" /> receives{" "}
        <strong>{next.eventType ? <Breakable name={next.eventType} /> : "(event reset away)"}</strong>
        {next.orderId ? (
          <>
            {" "}
            of order <code title={next.orderId}>{shortId(next.orderId)}</code>
          </>
        ) : null}
      </p>
      {aheadOfNewest > 0 && newestOrderId ? (
        <p class="step-preview-ahead" data-ahead={String(aheadOfNewest)}>
          {aheadOfNewest === 1 ? "1 delivery" : `${aheadOfNewest} deliveries`} before the newest order's (
          <code title={newestOrderId}>{shortId(newestOrderId)}</code>): Step runs what is due first, earlier orders' work included.
        </p>
      ) : null}
    </div>
  );
}

/**
 * The room's multiple choice, asked before each Step with predictNext on. Locking a pick in
 * writes nothing to the saga: the server remembers it in memory (room-predictions.ts), so
 * every screen of the session shows it, and the Step that runs that delivery reveals the verdict.
 */
export function StepQuestionForm(props: { question: StepQuestion }) {
  const { deliveryId, choices, guess } = props.question;
  return (
    <form
      id="bus-question"
      class="step-question"
      hx-post="/dashboard/bus/guess"
      hx-target="#bus-panel"
      hx-swap="outerHTML"
      data-delivery-id={String(deliveryId)}
    >
      <fieldset>
        <legend>What happens next? Which reaction does Step run?</legend>
        <input type="hidden" name="deliveryId" value={String(deliveryId)} />
        {choices.map((choice) => (
          <label class="step-choice" data-choice={choice}>
            <input type="radio" name="reaction" value={choice} checked={guess === choice} required />{" "}
            <ReactionName name={choice} class="reaction" />
          </label>
        ))}
        <button type="submit" id="bus-guess" class="button button-quiet button-small">
          Lock in
        </button>
      </fieldset>
      {guess ? (
        <p class="step-guess" data-guess={guess}>
          The room's pick: <ReactionName name={guess} class="reaction" />. Press Step to see.
        </p>
      ) : null}
    </form>
  );
}

/** What the Step that followed the room's pick revealed: right or not, and why in one sentence. */
export function PredictionVerdictLine(props: { verdict: PredictionVerdict }) {
  return (
    <p class={props.verdict.right ? "step-verdict right" : "step-verdict wrong"} data-right={String(props.verdict.right)} role="status">
      {props.verdict.says}
    </p>
  );
}
