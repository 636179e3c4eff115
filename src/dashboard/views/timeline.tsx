import type { SagaEvent } from "../../modules/events";
import type { OrderJson } from "../../modules/orders";
import { describeEvent, moduleOf, shortId, sinceStart } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";
import { StatusBadge } from "./orders";

export interface TimelineProps {
  order?: OrderJson;
  events: SagaEvent[];
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
          <ol class="steps">
            {events.map((event) => {
              const module = moduleOf(event.type);
              return (
                <li class={`step step-${module}`} data-event-type={event.type}>
                  <span class="step-time">{sinceStart(event.timestamp - startedAt)}</span>
                  <span class={`module module-${module}`}>{module}</span>
                  <strong class="step-type">{event.type}</strong>
                  <span class="step-cause">
                    {event.causationId ? <>← {typeById.get(event.causationId) ?? shortId(event.causationId)}</> : "← POST /orders"}
                  </span>
                  <span class="step-detail">{describeEvent(event)}</span>
                </li>
              );
            })}
          </ol>
          {order.status === "PENDING" || order.status === "PROCESSING" ? <p class="waiting">waiting for the next event…</p> : null}
        </>
      )}
    </Panel>
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
