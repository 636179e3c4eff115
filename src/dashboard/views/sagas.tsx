import type { SagaAdmin } from "../../sagas/sagas";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import { Breakable } from "./breakable";
import { Panel } from "./panel";

export const SAGAS_SHOWN = 20;

type SagaView = ReturnType<SagaAdmin["listSagas"]>[number];

const panelAction = { "hx-target": "#sagas-panel", "hx-swap": "outerHTML" } as const;

/**
 * The operator's view (`GET /sagas`): every saga still running, and the stuck ones (a dead
 * letter, or past the order's timeout), with the two things an operator does: Retry its dead
 * letters, or Compensate it (cancel as operator, with a cancel's compensation).
 */
export function SagasPanel(props: { sagas: SagaView[]; oob?: boolean; refreshOnLoad?: boolean }) {
  return (
    <Panel
      id="sagas-panel"
      title="Sagas"
      path="/dashboard/sagas"
      trigger={props.refreshOnLoad ? `load, ${liveTriggers.sagas}` : liveTriggers.sagas}
      oob={props.oob}
      hint="Running and stuck sagas (a dead letter, or past the order's timeout). Retry runs its dead letters again; Compensate cancels it as an operator."
    >
      {props.sagas.length === 0 ? (
        <p class="empty">Every saga has ended.</p>
      ) : (
        <table class="table sagas">
          <thead>
            <tr>
              <th>Order</th>
              <th>Status</th>
              <th>Last step</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.sagas.map((saga) => (
              <tr data-saga-id={saga.sagaId} data-order-id={saga.orderId} data-saga-status={saga.status}>
                <td>
                  <code title={saga.orderId}>{shortId(saga.orderId)}</code>
                </td>
                <td>
                  <span class={`badge badge-saga-${saga.status}`}>{saga.status}</span>
                </td>
                <td>
                  {saga.step ? <Breakable name={saga.step} /> : "—"}
                  {/* Under the step, not a column of its own: four columns and the buttons fit a narrow panel. */}
                  <span class="saga-waiting" data-waiting={saga.pendingDeliveries} data-dead-letters={saga.deadLetters}>
                    {saga.pendingDeliveries} scheduled
                    {saga.deadLetters > 0 ? <span class="dead"> · {saga.deadLetters} dead</span> : null}
                  </span>
                </td>
                <td class="actions">
                  {saga.deadLetters > 0 ? (
                    <button
                      type="button"
                      class="button button-quiet button-small retry"
                      hx-post={`/dashboard/sagas/${saga.sagaId}/retry`}
                      {...panelAction}
                    >
                      Retry
                    </button>
                  ) : null}
                  <button
                    type="button"
                    class="button button-quiet button-small compensate"
                    hx-post={`/dashboard/sagas/${saga.sagaId}/compensate`}
                    {...panelAction}
                  >
                    Compensate
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
