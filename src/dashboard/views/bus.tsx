import type { BusDeliveryJson } from "../../live/bus.routes";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

/**
 * The session's scheduled deliveries, next due first, and the controls that steer them: step
 * mode on or off, Step (the next one), Deliver (a chosen one, in any order).
 */
export function BusPanel(props: { deliveries: BusDeliveryJson[]; stepMode: boolean; oob?: boolean }) {
  return (
    <Panel
      id="bus-panel"
      title="The bus"
      path="/dashboard/bus"
      trigger={liveTriggers.bus}
      oob={props.oob}
      hint="Deliveries waiting for their due time (demo delays, retries) or, in step mode, for you. Work due at once never waits here."
      actions={
        <>
          <button
            type="button"
            class="button button-quiet step-mode"
            data-step-mode={String(props.stepMode)}
            hx-post={`/dashboard/bus/step-mode?on=${!props.stepMode}`}
            hx-target="#bus-panel"
            hx-swap="outerHTML"
          >
            Step mode: {props.stepMode ? "on" : "off"}
          </button>
          <button
            type="button"
            class="button step"
            hx-post="/dashboard/bus/step"
            hx-target="#bus-panel"
            hx-swap="outerHTML"
            disabled={props.deliveries.length === 0}
          >
            Step
          </button>
        </>
      }
    >
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
                  <strong>{d.eventType}</strong> <code title={d.orderId ?? ""}>{d.orderId ? shortId(d.orderId) : "—"}</code>
                </td>
                <td>{d.reaction}</td>
                <td>{d.held ? <span class="held">held by step mode</span> : d.dueAt.slice(11, 23)}</td>
                <td class="num" title={d.lastError ?? ""}>
                  {d.attempts}
                </td>
                <td>
                  <button
                    type="button"
                    class="button button-quiet button-small deliver"
                    hx-post={`/dashboard/bus/deliveries/${d.id}/deliver`}
                    hx-target="#bus-panel"
                    hx-swap="outerHTML"
                  >
                    Deliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
