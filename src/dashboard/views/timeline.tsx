import type { DeliveryLogEntry } from "../../bus/delivery-log";
import type { UpcomingDeliveryJson } from "../../live/bus.routes";
import type { SagaEvent } from "../../modules/events";
import { ORDER_TIMEOUT_REACTION, type OrderJson } from "../../modules/orders";
import type { SagaStepJson } from "../../sagas/saga-steps";
import { deliveryWords, intentOf } from "../delivery-words";
import { describeEvent, moduleOf, shortId, sinceStart } from "../format";
import { liveTriggers } from "../live";
import { Countdown } from "./countdown";
import { StatusBadge } from "./orders";
import { Panel } from "./panel";
import { ReactionName } from "./reaction-name";

export interface TimelineProps {
  order?: OrderJson;
  events: SagaEvent[];
  deliveries?: readonly DeliveryLogEntry[];
  /** The order's deliveries still to come (and its dead letters): what the saga waits for. */
  upcoming?: readonly UpcomingDeliveryJson[];
  /** The saga's steps and their status (`GET /sagas/:id`). */
  steps?: readonly SagaStepJson[];
  /** The server's clock when this was read: due times are shown as countdowns from it. */
  now?: number;
  /** Moves on to each new order of the session, instead of staying on `order`. */
  following?: boolean;
  oob?: boolean;
  /**
   * Fetch itself again as soon as it is swapped in: for a timeline sent along with another
   * answer (the order form's), which may reach the page after live refreshes already showed a
   * later state of the same saga.
   */
  refreshOnLoad?: boolean;
}

/** A timeline step's id: the anchor of the event with that session sequence number. */
export const timelineEventId = (seq: number) => `event-${seq}`;

/** One saga, event by event: who emitted it, what caused it, and when, counted from the order. */
export function TimelinePanel(props: TimelineProps) {
  const { order, events } = props;
  const following = props.following ?? !order;
  const path = following || !order ? "/dashboard/timeline?follow=newest" : `/dashboard/timeline?order=${encodeURIComponent(order.id)}`;
  const startedAt = order ? Date.parse(order.createdAt) : 0;
  const typeById = new Map(events.map((e) => [e.id, e.type]));
  return (
    <Panel
      id="timeline-panel"
      title="Saga timeline"
      path={path}
      trigger={props.refreshOnLoad ? `load, ${liveTriggers.timeline}` : liveTriggers.timeline}
      oob={props.oob}
      class="timeline"
      actions={
        <>
          {order ? <StatusBadge status={order.status} /> : null}
          <FollowToggle following={following} orderId={order?.id} />
        </>
      }
    >
      {!order ? (
        <p class="empty">Place an order or click one in the orders list to follow its saga here.</p>
      ) : (
        <>
          <p class="timeline-order" data-order-id={order.id}>
            Order <code>{order.id}</code>
            {order.cancellationSource ? (
              <>
                {" "}
                cancelled by <span class="source">{order.cancellationSource}</span>
              </>
            ) : null}
          </p>
          {props.steps && props.steps.length > 0 ? <SagaSteps steps={props.steps} /> : null}
          <ol class="steps">
            {events.map((event) => {
              const module = moduleOf(event.type);
              return (
                // The id is what a violation's "caused by event #N" links to (the Invariants panel).
                <li
                  class={`step step-${module}`}
                  id={timelineEventId(event.sessionSeq)}
                  data-event-type={event.type}
                  data-seq={event.sessionSeq}
                >
                  <span class="step-time">{sinceStart(event.timestamp - startedAt)}</span>
                  <span class={`module module-${module}`}>{module}</span>
                  <strong class="step-type">{event.type}</strong>
                  <span class="step-cause">
                    {event.causationId ? <>← {typeById.get(event.causationId) ?? shortId(event.causationId)}</> : "← POST /orders"}
                  </span>
                  <span class="step-detail">{describeEvent(event)}</span>
                  <StepDeliveries
                    seq={event.sessionSeq}
                    now={props.now ?? 0}
                    deliveries={(props.deliveries ?? []).filter((d) => d.eventSeq === event.sessionSeq)}
                    redeliverPath={`/dashboard/events/${event.sessionSeq}/redeliver${following || !order ? "?follow=newest" : `?order=${encodeURIComponent(order.id)}`}`}
                  />
                </li>
              );
            })}
          </ol>
          {order.status === "PENDING" || order.status === "PROCESSING" ? (
            <WaitingFor upcoming={props.upcoming ?? []} now={props.now ?? 0} />
          ) : null}
        </>
      )}
    </Panel>
  );
}

/** An orchestrated saga's steps in order, each with its status: the orchestrator's log. */
function SagaSteps(props: { steps: readonly SagaStepJson[] }) {
  return (
    <ol class="saga-steps" aria-label="the saga's steps">
      {props.steps.map((step) => (
        <li class={`saga-step saga-step-${step.status}`} data-step={step.name} data-step-status={step.status}>
          <code>{step.name}</code> <span class="muted">{step.status}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Follow the newest order (a screen mirroring a session moves on to each order placed anywhere
 * in it), or stay on the one shown. Clicking an order in the orders list also pins it.
 */
function FollowToggle(props: { following: boolean; orderId?: string }) {
  if (props.following) {
    if (!props.orderId) return <span class="follow-state muted">following the newest order</span>;
    return (
      <button
        type="button"
        class="button button-quiet follow-toggle"
        data-following="true"
        title="The timeline moves on to each new order of this session; click to stay on this one"
        hx-get={`/dashboard/timeline?order=${encodeURIComponent(props.orderId)}`}
        hx-target="#timeline-panel"
        hx-swap="outerHTML"
      >
        Following newest · pin
      </button>
    );
  }
  return (
    <button
      type="button"
      class="button button-quiet follow-toggle"
      data-following="false"
      title="Move on to each new order of this session as it is placed, here or on any other screen"
      hx-get="/dashboard/timeline?follow=newest"
      hx-target="#timeline-panel"
      hx-swap="outerHTML"
    >
      Follow newest
    </button>
  );
}

/** The delivery that cancels an order still not final after the session's orderTimeoutMs. */

/**
 * What the saga waits for next, and when: the order's scheduled deliveries (a countdown, or
 * held by step mode) and its dead letters. Nothing scheduled means the next step is due at once.
 */
function WaitingFor(props: { upcoming: readonly UpcomingDeliveryJson[]; now: number }) {
  if (props.upcoming.length === 0) return <p class="waiting">waiting for the next event…</p>;
  // The order's deadline is a backstop: named only when nothing else is ahead.
  const steps = props.upcoming.filter((d) => d.reaction !== ORDER_TIMEOUT_REACTION);
  return (
    <ul class="waiting waiting-for">
      {(steps.length > 0 ? steps : props.upcoming).map((d) => (
        <li data-reaction={d.reaction} data-waits={d.deadLetteredAt ? "dead-letter" : d.held ? "held" : "due"}>
          next:{" "}
          <strong>
            <ReactionName name={d.reaction} />
          </strong>{" "}
          on {d.eventType ?? "a removed event"},{" "}
          {d.deadLetteredAt ? (
            <span class="dead">dead-lettered after {d.attempts} attempts: retry it from the bus panel</span>
          ) : d.held ? (
            <span class="held">held by step mode: step it from the bus panel</span>
          ) : (
            <>
              due <Countdown dueInMs={Date.parse(d.dueAt) - props.now} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** One attempt in words (deliveryWords); a failure not yet retried counts down to its retry. */
function OutcomeWords(props: { entry: DeliveryLogEntry; latest: boolean; now: number }) {
  const words = deliveryWords(props.entry, props);
  if (words.retryInMs === undefined) return words.says;
  return (
    <>
      {words.says} <Countdown dueInMs={words.retryInMs} />
    </>
  );
}

/** What the relay did with the event, reaction by reaction, and a button to deliver it again. */
function StepDeliveries(props: { seq: number; deliveries: readonly DeliveryLogEntry[]; redeliverPath: string; now: number }) {
  const lastOf = new Map(props.deliveries.map((d) => [d.reaction, d]));
  return (
    <div class="step-deliveries">
      {props.deliveries.length > 0 ? (
        <ul class="deliveries">
          {props.deliveries.map((d) => (
            <li
              class={`delivery delivery-${d.outcome}`}
              data-outcome={d.outcome}
              data-reaction={d.reaction}
              {...(d.ignoredBecause === undefined ? {} : { "data-changed-nothing": "" })}
            >
              <ReactionName name={intentOf(d.reaction)} />: <OutcomeWords entry={d} latest={lastOf.get(d.reaction) === d} now={props.now} />
              {d.error ? <span class="muted"> ({d.error})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <button
        type="button"
        class="button button-quiet button-small redeliver"
        title="Deliver this event again to every reaction subscribed to it: a duplicate, which must change nothing"
        hx-post={props.redeliverPath}
        hx-target="#timeline-panel"
        hx-swap="outerHTML"
      >
        Redeliver
      </button>
    </div>
  );
}
