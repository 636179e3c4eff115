import type { SagaEvent } from "../../modules/events";
import { clockTime, describeEvent, moduleOf, shortId } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

export const EVENTS_SHOWN = 40;

/**
 * The session's newest events, numbered within the session (1 for its first event), so nothing
 * about other sessions shows: `events` are the newest, `total` how many the session's log holds.
 * Each delivered event can be delivered again (Redeliver): the timeline shows its order with
 * the duplicates ignored.
 */
export function EventLogPanel(props: { events: SagaEvent[]; total: number; oob?: boolean }) {
  return (
    <Panel
      id="events-panel"
      title="Event log"
      path="/dashboard/events"
      trigger={liveTriggers.events}
      oob={props.oob}
      class="log-panel"
      hint={`This session's bus, newest first (last ${EVENTS_SHOWN}). The same events arrive on GET /events/stream.`}
    >
      {props.events.length === 0 ? (
        <p class="empty">Nothing on the bus yet.</p>
      ) : (
        <ol class="log">
          {props.events.map((event) => (
            <li data-event-type={event.type} data-order-id={event.orderId}>
              <span class="muted" data-session-number={event.sessionSeq}>
                #{event.sessionSeq}
              </span>{" "}
              <span class="muted">{clockTime(event.timestamp)}</span>{" "}
              <span class={`module module-${moduleOf(event.type)}`}>{moduleOf(event.type)}</span> <strong>{event.type}</strong>{" "}
              <code title={event.orderId}>{shortId(event.orderId)}</code> <span class="muted">{describeEvent(event)}</span>{" "}
              <button
                type="button"
                class="button button-quiet button-small redeliver"
                title="Deliver this event again to every reaction subscribed to it; the timeline then shows its order, with the duplicates"
                hx-post={`/dashboard/events/${event.sessionSeq}/redeliver?order=${encodeURIComponent(event.orderId)}`}
                hx-target="#timeline-panel"
                hx-swap="outerHTML"
              >
                Redeliver
              </button>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
