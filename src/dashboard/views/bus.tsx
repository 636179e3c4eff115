import type { BusDeliveryJson, DeadLetterJson } from "../../live/bus.routes";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import type { PredictionVerdict, StepPreview } from "../step-preview";
import { Breakable } from "./breakable";
import { Countdown } from "./countdown";
import { Panel } from "./panel";
import { ReactionName } from "./reaction-name";
import { NextStepLine, PredictionVerdictLine, type StepQuestion, StepQuestionForm } from "./step-next";

export interface BusView {
  deliveries: BusDeliveryJson[];
  deadLetters: DeadLetterJson[];
  stepMode: boolean;
  /** The server's clock when this was read: due times are shown as countdowns from it. */
  now: number;
  /** What Step runs next, and how much of earlier orders' work runs before the newest order's. */
  preview: StepPreview;
  /** With predictNext on in step mode: "What happens next?", its choices, and the room's pick so far. */
  question?: StepQuestion;
  /** What the last Step revealed about the room's pick. */
  verdict?: PredictionVerdict;
  oob?: boolean;
  /** An action's answer: fetch again on arrival, in case live refreshes already showed a later state. */
  refreshOnLoad?: boolean;
}

const panelAction = { "hx-target": "#bus-panel", "hx-swap": "outerHTML" } as const;

/**
 * The session's scheduled deliveries, next due first, and the controls that steer them: step
 * mode on or off, Step (the next one), Deliver (a chosen one, in any order); then its dead
 * letters, each with Retry.
 */
export function BusPanel(props: BusView) {
  return (
    <Panel
      id="bus-panel"
      title="The bus"
      path="/dashboard/bus"
      trigger={props.refreshOnLoad ? `load, ${liveTriggers.bus}` : liveTriggers.bus}
      oob={props.oob}
      hint="Deliveries waiting for their due time (demo delays, retries) or, in step mode, for you. Work due at once never waits here."
      actions={
        <>
          {/* Ids: htmx gives the focus back to them when the panel is replaced, so Step can be pressed again from the keyboard. */}
          <button
            type="button"
            id="bus-step-mode"
            class="button button-quiet step-mode"
            data-step-mode={String(props.stepMode)}
            hx-post={`/dashboard/bus/step-mode?on=${!props.stepMode}`}
            {...panelAction}
          >
            Step mode: {props.stepMode ? "on" : "off"}
          </button>
          <button
            type="button"
            id="bus-step"
            // Step is the bus panel's main action only in step mode; off, it still runs the next
            // delivery now, so it stays, quiet, and says so.
            class={props.stepMode ? "button step-next" : "button button-quiet step-next"}
            title={
              props.stepMode
                ? "Run the next held delivery (step mode holds every delivery until you step it)"
                : "Run the next scheduled delivery now, without waiting for its due time (step mode is off: deliveries also run on their own)"
            }
            hx-post="/dashboard/bus/step"
            {...panelAction}
            disabled={props.deliveries.length === 0}
          >
            Step
          </button>
        </>
      }
    >
      {props.verdict ? <PredictionVerdictLine verdict={props.verdict} /> : null}
      <NextStepLine preview={props.preview} />
      {props.question ? <StepQuestionForm question={props.question} /> : null}
      {props.deliveries.length === 0 ? (
        <p class="empty">Nothing scheduled.</p>
      ) : (
        <table class="table bus">
          <thead>
            <tr>
              <th>Event</th>
              <th>Reaction</th>
              <th>Due</th>
              <th>Tries</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr data-delivery-id={d.id} data-reaction={d.reaction} data-held={String(d.held)}>
                <td>
                  <EventCell delivery={d} />
                </td>
                <td>
                  <ReactionCell delivery={d} />
                </td>
                <td>{d.held ? <span class="held">held by step mode</span> : <Countdown dueInMs={Date.parse(d.dueAt) - props.now} />}</td>
                <td class="num">{d.attempts}</td>
                <td>
                  <button
                    type="button"
                    class="button button-quiet button-small deliver"
                    hx-post={`/dashboard/bus/deliveries/${d.id}/deliver`}
                    {...panelAction}
                  >
                    Deliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.deadLetters.length > 0 ? <DeadLetters deadLetters={props.deadLetters} /> : null}
    </Panel>
  );
}

function EventCell(props: { delivery: BusDeliveryJson }) {
  const { eventType, orderId } = props.delivery;
  return (
    <>
      <strong>{eventType ? <Breakable name={eventType} /> : "(event reset away)"}</strong>{" "}
      <code title={orderId ?? ""}>{orderId ? shortId(orderId) : "—"}</code>
    </>
  );
}

function ReactionCell(props: { delivery: BusDeliveryJson }) {
  const { reaction, lastError } = props.delivery;
  return (
    <>
      <ReactionName name={reaction} class="reaction" />
      {lastError ? <span class="last-error">{lastError}</span> : null}
    </>
  );
}

/** Deliveries that failed every attempt: the saga waits on them until someone retries. */
function DeadLetters(props: { deadLetters: DeadLetterJson[] }) {
  return (
    <div class="dead-letters">
      <h3>Dead letters</h3>
      <table class="table bus">
        <thead>
          <tr>
            <th>Event</th>
            <th>Reaction</th>
            <th>Tries</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.deadLetters.map((d) => (
            <tr data-dead-letter-id={d.id} data-reaction={d.reaction}>
              <td>
                <EventCell delivery={d} />
              </td>
              <td>
                <ReactionCell delivery={d} />
              </td>
              <td class="num">{d.attempts}</td>
              <td>
                <button
                  type="button"
                  class="button button-quiet button-small retry"
                  title="One more attempt, now: if it fails again it stays here"
                  hx-post={`/dashboard/bus/dead-letters/${d.id}/retry`}
                  {...panelAction}
                >
                  Retry
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
