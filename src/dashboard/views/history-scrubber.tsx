import type { OrderVersionJson, RebuildReport } from "../../modules/orders";
import { followedOrderPath, formatCents, shortId } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

/** Each stream event in the short words a room reads off a projector. */
export const versionWords: Record<OrderVersionJson["type"], string> = {
  ORDER_CREATED: "created",
  ORDER_PROCESSING_STARTED: "processing",
  ORDER_CANCELLATION_REQUESTED: "cancel asked",
  ORDER_COMPLETED: "completed",
  ORDER_CANCELLED: "cancelled",
};

/** What a version shows of the order, field by field, in the room's words. */
function shownFields(state: OrderVersionJson["state"]): [string, string][] {
  return [
    ["status", state.status],
    ["total", formatCents(state.totalCents)],
    ["cancel asked by", state.cancellationRequestedBy ?? "—"],
    ["cancellation source", state.cancellationSource ?? "—"],
    ["message", state.errorMessage ?? "—"],
    ["completed at", state.completedAt ?? "—"],
  ];
}

/**
 * The followed order's history under its diagram: every version rendered here (an order has a
 * handful), a range input over them, and public/dashboard.js shows the one chosen, so moving it
 * asks nothing of the server. Without the script the versions read as a list. What changed from
 * the version before is marked (`data-changed`).
 */
export function HistoryPanel(props: {
  orderId?: string;
  following: boolean;
  versions: readonly OrderVersionJson[];
  /** The page's empty placeholder fetches itself once; the fragment it brings must not (it would fetch itself forever). */
  loadOnArrival?: boolean;
  oob?: boolean;
}) {
  const { versions } = props;
  const last = versions.at(-1);
  return (
    <Panel
      id="history-panel"
      title="The order's history"
      path={followedOrderPath("history", props.orderId, props.following)}
      trigger={props.loadOnArrival ? `load, ${liveTriggers.history}` : liveTriggers.history}
      oob={props.oob}
      class="history-panel"
      hint="The order as it was after each of its events, folded from its stream. The rows are only the latest fold."
    >
      {!props.orderId || !last ? (
        <p class="empty">Place an order to scrub through its versions.</p>
      ) : (
        <div class="history-scrubber" data-order-id={props.orderId} data-latest={String(last.version)}>
          <label class="history-range">
            <span>
              Version of order <code title={props.orderId}>{shortId(props.orderId)}</code>
            </span>
            <input
              type="range"
              class="history-input"
              min="1"
              max={String(last.version)}
              step="1"
              value={String(last.version)}
              aria-label="Version of the order"
              aria-valuetext={`version ${last.version}: ${versionWords[last.type]}`}
              hidden
            />
          </label>
          <ol class="history-versions">
            {versions.map((version, i) => {
              const before = i > 0 ? shownFields(versions[i - 1]?.state ?? version.state) : undefined;
              return (
                <li
                  class="history-version"
                  data-version={String(version.version)}
                  data-words={`version ${version.version}: ${versionWords[version.type]}`}
                  aria-current={version === last ? "true" : undefined}
                >
                  <strong>
                    v{version.version} {versionWords[version.type]}
                  </strong>{" "}
                  <time class="muted" datetime={version.at}>
                    {version.at.slice(11, 23)}
                  </time>
                  <dl>
                    {shownFields(version.state).map(([name, value], f) => (
                      <div data-field={name} data-changed={before && before[f]?.[1] !== value ? "true" : undefined}>
                        <dt>{name}</dt>
                        <dd>{value}</dd>
                      </div>
                    ))}
                  </dl>
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </Panel>
  );
}

/** The answer of "Rebuild read model": how many orders were folded again, and what drifted. */
export function RebuildResult(props: { report: RebuildReport }) {
  const { rebuilt, identical, differences } = props.report;
  const orders = rebuilt === 1 ? "1 order" : `${rebuilt} orders`;
  return (
    <output id="rebuild-result" class={`rebuild-result ${identical ? "verdict-ok" : "verdict-broken"}`} data-identical={String(identical)}>
      {identical ? (
        `Rebuilt ${orders} from their streams: identical`
      ) : (
        <>
          Rebuilt {orders} from their streams: {differences.length} differed:{" "}
          {differences.map((d, i) => (
            <>
              {i > 0 ? "; " : ""}
              <code>{d.orderId}</code> ({d.fields.join(", ")})
            </>
          ))}
        </>
      )}
    </output>
  );
}

/** The button beside the resets: the rows are thrown away and folded again from the streams. */
export function RebuildButton() {
  return (
    <p class="rebuild">
      <button
        type="button"
        id="rebuild-read-model"
        class="button button-quiet"
        hx-post="/dashboard/orders/projection/rebuild"
        hx-target="#rebuild-result"
        hx-swap="outerHTML"
      >
        Rebuild read model
      </button>{" "}
      <span class="muted">Throws the order rows away and folds them again from each order's events (POST /orders/projection/rebuild).</span>{" "}
      <output id="rebuild-result" class="rebuild-result" />
    </p>
  );
}
