import type { ShipmentJson } from "../../modules/shipping";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import { StatusBadge } from "./orders";
import { Panel } from "./panel";

export const SHIPMENTS_SHOWN = 50;

/** Shipping's book, beside payments': only orders placed with the shipment step have a row. */
export function ShipmentsPanel(props: { shipments: ShipmentJson[]; oob?: boolean }) {
  return (
    <Panel
      id="shipments-panel"
      title="Shipments"
      path="/dashboard/shipments"
      trigger={liveTriggers.shipments}
      oob={props.oob}
      hint="Only orders placed while the knobs' shipment step is on are shipped, after their payment."
    >
      {props.shipments.length === 0 ? (
        <p class="empty">No shipments yet: turn on the shipment step in the knobs, then place an order.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Shipment</th>
              <th>Order</th>
              <th>Status</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {props.shipments.map((s) => (
              <tr data-order-id={s.orderId} data-status={s.status}>
                <td>
                  <code title={s.id}>{shortId(s.id)}</code>
                </td>
                <td>
                  <code title={s.orderId}>{shortId(s.orderId)}</code>
                </td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td class="muted">{s.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
