import type { NotificationJson } from "../../modules/notifications";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

export const INBOX_SHOWN = 20;

/** What the customers of this session would have received (`GET /notifications`), newest first. */
export function InboxPanel(props: { notifications: NotificationJson[]; oob?: boolean }) {
  return (
    <Panel
      id="inbox-panel"
      title="Customer inbox"
      path="/dashboard/inbox"
      trigger={liveTriggers.inbox}
      oob={props.oob}
      hint="The notifications module: a fourth subscriber to the saga's events, which the other modules never call."
    >
      {props.notifications.length === 0 ? (
        <p class="empty">No messages yet.</p>
      ) : (
        <ul class="inbox">
          {props.notifications.map((n) => (
            <li class={`message message-${n.kind}`} data-kind={n.kind} data-order-id={n.orderId}>
              <div class="message-head">
                <strong>{n.subject}</strong>
                <span class="muted">
                  to {n.recipient} · order <code title={n.orderId}>{shortId(n.orderId)}</code> · {n.createdAt.slice(11, 19)}
                </span>
              </div>
              <div>{n.body}</div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
