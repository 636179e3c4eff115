import type { PaymentJson } from "../../modules/payments";
import { formatCents, shortId } from "../format";
import { liveTriggers } from "../live";
import { StatusBadge } from "./orders";
import { Panel } from "./panel";

export const PAYMENTS_SHOWN = 50;

export function PaymentsPanel(props: { payments: PaymentJson[]; oob?: boolean }) {
  return (
    <Panel id="payments-panel" title="Payments" path="/dashboard/payments" trigger={liveTriggers.payments} oob={props.oob}>
      {props.payments.length === 0 ? (
        <p class="empty">No payments yet: one opens as soon as stock is reserved.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Transaction</th>
              <th>Order</th>
              <th class="num">Amount</th>
              <th>Status</th>
              <th>Failure</th>
            </tr>
          </thead>
          <tbody>
            {props.payments.map((p) => (
              <tr data-order-id={p.order_id} data-status={p.status}>
                <td>
                  <code title={p.id}>{shortId(p.id)}</code>
                </td>
                <td>
                  <code title={p.order_id}>{shortId(p.order_id)}</code>
                </td>
                <td class="num">{formatCents(p.amount_cents)}</td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td class="muted">{p.failure_reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
