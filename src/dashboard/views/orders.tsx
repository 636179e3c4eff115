import type { OrderJson } from "../../modules/orders";
import { formatCents, shortId } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

export const ORDERS_SHOWN = 50;

export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status.toLowerCase()}`}>{props.status}</span>;
}

/**
 * Asked before a Cancel: which order (its short id, as the list shows it, since rows shift
 * while a saga runs) and what the cancellation will do to it. A refund cannot be taken back.
 */
export function cancelWarning(order: Pick<OrderJson, "id" | "status" | "totalCents">): string {
  const money = order.totalCents > 0 ? `its payment of ${formatCents(order.totalCents)}` : "any payment";
  const what =
    order.status === "COMPLETED"
      ? `Its units go back on the shelf and ${money} is refunded.`
      : `Its stock is handed back and ${money} refunded.`;
  return `Cancel order ${shortId(order.id)} (${order.status})? ${what} This cannot be undone.`;
}

export function OrdersPanel(props: { orders: OrderJson[]; selectedOrderId?: string; oob?: boolean }) {
  return (
    <Panel
      id="orders-panel"
      title="Orders"
      path="/dashboard/orders"
      trigger={liveTriggers.orders}
      oob={props.oob}
      hint={`Newest first (up to ${ORDERS_SHOWN}). Click an order to see its saga timeline.`}
    >
      {props.orders.length === 0 ? (
        <p class="empty">No orders yet: place one with the form.</p>
      ) : (
        <table class="table orders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Items</th>
              <th class="num">Total</th>
              <th>Status</th>
              <th>Style</th>
              <th>Cancelled by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.orders.map((order) => (
              <tr data-order-id={order.id} data-status={order.status} class={order.id === props.selectedOrderId ? "is-selected" : ""}>
                <td>
                  <button
                    type="button"
                    class="link"
                    title={`Show the saga of order ${order.id}`}
                    hx-get={`/dashboard/timeline?order=${encodeURIComponent(order.id)}`}
                    hx-target="#timeline-panel"
                    hx-swap="outerHTML"
                  >
                    {shortId(order.id)}
                  </button>
                </td>
                <td>{order.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")}</td>
                {/* An order is priced when its stock is reserved; one cancelled before that has no total yet. */}
                <td class="num">{order.totalCents ? formatCents(order.totalCents) : "—"}</td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
                <td class="style" data-saga-style={order.sagaStyle}>
                  {order.sagaStyle}
                </td>
                <td>
                  {order.cancellationSource ? (
                    <span class="source" title={order.errorMessage ?? ""}>
                      {order.cancellationSource}
                    </span>
                  ) : order.cancellationRequestedBy ? (
                    <span class="muted">cancelling ({order.cancellationRequestedBy})</span>
                  ) : null}
                </td>
                <td>
                  {order.status !== "CANCELLED" && !order.cancellationRequestedBy ? (
                    <button
                      type="button"
                      class="button button-quiet button-small cancel"
                      title={
                        order.status === "COMPLETED"
                          ? "Cancel this completed order: its units go back on the shelf and its payment is refunded"
                          : "Cancel this order: its stock is handed back and any payment refunded"
                      }
                      hx-post={`/dashboard/orders/${encodeURIComponent(order.id)}/cancel`}
                      hx-target="#timeline-panel"
                      hx-swap="outerHTML"
                      hx-confirm={cancelWarning(order)}
                    >
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
