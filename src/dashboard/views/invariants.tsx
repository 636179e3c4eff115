import type { ConsistencyReport, InvariantName, Violation } from "../../consistency/invariants";
import { liveTriggers } from "../live";
import { RebuildButton } from "./history-scrubber";
import { RESET_INVENTORY_WARNING } from "./inventory";
import { Panel } from "./panel";
import { timelineEventId } from "./timeline";

/** Each invariant in the words a workshop would use, for the red list. */
const plainWords: Record<InvariantName, string> = {
  stock_conserved: "Units were created or lost: stock plus what was sold no longer adds up",
  reserved_within_stock: "More units are reserved than there are in stock",
  reserved_matches_pending: "A product's reserved count does not match its PENDING reservations",
  order_settles: "An order is stuck: nothing on the bus will move it on",
  completed_pairing: "A finished order does not match its payment and its reservation",
  cancelled_holds_nothing: "A cancelled order still holds stock or money",
  finished_holds_nothing: "A finished order still has a PENDING reservation or payment",
  depleted_never_reserved: "An order cancelled for lack of stock had stock reserved for it",
  nothing_held_for_missing_order: "Stock or money is held for an order that no longer exists",
  refunded_order_cancelled: "Money was refunded for an order that was not cancelled",
  shipment_pairing: "A shipment does not match its order: a sale not shipped, or a cancelled order's parcel still on its way",
  saga_progresses: "A saga waits for a reply nobody will send: an event no reaction could match to its order",
  no_orphan_events: "An event is on the bus for an order that never existed",
  charged_once: "An order was charged more than once",
};

/**
 * The events a violation names as its cause, each a link to the dashboard pinned on that
 * event's order (`?order=`, as the orders list pins it) at that event's step of the timeline
 * (`#event-N`): its timeline and diagram show how the event came about. An event of no order (none the log still holds) is its number alone.
 */
function CausedBy({ violation, causeOrders }: { violation: Violation; causeOrders: ReadonlyMap<number, string> }) {
  if (violation.causedBy.length === 0) return null;
  return (
    <div class="caused-by" data-caused-by={violation.causedBy.join(",")}>
      caused by{" "}
      {violation.causedBy.map((seq, i) => {
        const orderId = causeOrders.get(seq);
        return (
          <>
            {i > 0 ? ", " : ""}
            {orderId ? (
              <a
                href={`/?session=${encodeURIComponent(violation.sessionId)}&order=${encodeURIComponent(orderId)}#${timelineEventId(seq)}`}
                data-seq={String(seq)}
                data-order-id={orderId}
                title={`Show the saga of order ${orderId}, which event #${seq} belongs to`}
              >
                event #{seq}
              </a>
            ) : (
              <span data-seq={String(seq)}>event #{seq}</span>
            )}
          </>
        );
      })}
    </div>
  );
}

/** Asked before each reset of the Invariants panel: what it drops, and what follows from it. */
export const RESET_ORDERS_WARNING =
  "Reset this session's orders? Every order, its events and its scheduled deliveries are dropped; " +
  "a saga still holding stock or money is cancelled and compensated first. Stock and the units sold stay as they are.";
export const RESET_PAYMENTS_WARNING =
  "Reset this session's payments? Every payment is dropped; a saga still running charges again, a finished one gets none.";
export const DELETE_SESSION_WARNING =
  "Delete this session? Every order, event, product, payment, shipment, notification and knob of it is wiped; " +
  "the page reopens on the same session id, empty but for the default catalog. This cannot be undone.";

/**
 * The API's resets, one place on the page: a broken run stays red until one of them drops
 * the rows it broke. Each says what it clears and asks first.
 */
function Resets(props: { sessionId: string }) {
  const resets = [
    {
      id: "reset-orders",
      label: "Reset orders",
      post: "/dashboard/orders/reset",
      target: "#invariants-panel",
      warning: RESET_ORDERS_WARNING,
      clears:
        "Drops the orders, their events and deliveries (POST /orders/reset): clears what the log broke (no_orphan_events, charged_once, saga_progresses); stock counts stay.",
    },
    {
      id: "reset-inventory",
      label: "Reset inventory",
      post: "/dashboard/inventory/reset",
      target: "#inventory-panel",
      warning: RESET_INVENTORY_WARNING,
      clears: "Drops the reservations and reloads the default catalog (POST /inventory/reset): clears what stock broke (stock_conserved).",
    },
    {
      id: "reset-payments",
      label: "Reset payments",
      post: "/dashboard/payments/reset",
      target: "#invariants-panel",
      warning: RESET_PAYMENTS_WARNING,
      clears:
        "Drops the payments (POST /payments/reset): it clears none of the scenarios' violations, and a completed order left without its payment shows as completed_pairing.",
    },
    {
      id: "delete-session",
      label: "Delete session",
      post: "/dashboard/session/delete",
      target: "#invariants-panel",
      warning: DELETE_SESSION_WARNING,
      clears: "Wipes every row of the session (DELETE /session) and reopens it with the default catalog: clears everything.",
    },
  ];
  return (
    <section class="resets" aria-label="Resets">
      <h3>Resets</h3>
      <ul>
        {resets.map((reset) => (
          <li>
            <button
              type="button"
              id={reset.id}
              class="button button-quiet"
              hx-post={reset.post}
              hx-target={reset.target}
              hx-swap="outerHTML"
              hx-confirm={reset.warning}
            >
              {reset.label}
            </button>{" "}
            <span class="muted">{reset.clears}</span>
          </li>
        ))}
      </ul>
      <RebuildButton />
      <p class="export-session">
        {/* A link cannot send the x-session-id header: the session rides in the URL. */}
        <a id="export-session" href={`/session/export?${new URLSearchParams({ session: props.sessionId }).toString()}`} download>
          Export session (JSON)
        </a>{" "}
        <span class="muted">keeps what the session did (orders, events, payments, settings) as one file, before a reset drops it</span>
      </p>
    </section>
  );
}

/** `GET /consistency`, live: green while every invariant holds, red with each violation otherwise. */
export function InvariantsPanel(props: {
  sessionId: string;
  report: ConsistencyReport;
  causeOrders: ReadonlyMap<number, string>;
  oob?: boolean;
}) {
  const { report } = props;
  return (
    <Panel
      id="invariants-panel"
      title="Invariants"
      path="/dashboard/invariants"
      trigger={liveTriggers.invariants}
      oob={props.oob}
      class={report.consistent ? "invariants-ok" : "invariants-broken"}
      hint="This session's rows checked against the saga's promises, as GET /consistency answers. Sagas in flight are fine while the bus has work for them."
    >
      {report.consistent ? (
        <p class="verdict verdict-ok" data-consistent="true">
          Consistent: every invariant holds.
        </p>
      ) : (
        <>
          <p class="verdict verdict-broken" data-consistent="false">
            {report.violations.length === 1 ? "1 violation" : `${report.violations.length} violations`}
          </p>
          <ul class="violations">
            {report.violations.map((v) => (
              <li data-invariant={v.invariant}>
                <strong>{plainWords[v.invariant]}</strong> <code>{v.invariant}</code>
                <div class="muted">
                  {v.subject}: {v.message}
                </div>
                <CausedBy violation={v} causeOrders={props.causeOrders} />
              </li>
            ))}
          </ul>
        </>
      )}
      <Resets sessionId={props.sessionId} />
    </Panel>
  );
}

export const INVARIANTS_VERDICT_ID = "invariants-verdict";

/**
 * The Invariants panel's verdict in one line: consistent, or how many violations and which
 * invariants. With `causeOrders` (the Break it panel, where a scenario runs) each violation
 * follows with the events that caused it, linked; without (the stage view), the line alone.
 * It refreshes itself on the panel's events.
 */
export function InvariantsVerdict(props: { report: ConsistencyReport; causeOrders?: ReadonlyMap<number, string> }) {
  const { consistent, violations } = props.report;
  const names = [...new Set(violations.map((v) => v.invariant))];
  const { causeOrders } = props;
  const withCauses = causeOrders !== undefined;
  return (
    <div
      id={INVARIANTS_VERDICT_ID}
      class="invariants-verdict"
      data-consistent={String(consistent)}
      hx-get={`/dashboard/invariants/verdict${withCauses ? "?causes=true" : ""}`}
      hx-trigger={liveTriggers.invariants}
      hx-swap="outerHTML"
      hx-sync="this:replace"
    >
      <output class={`verdict ${consistent ? "verdict-ok" : "verdict-broken"}`}>
        {consistent ? (
          "✓ consistent"
        ) : (
          <>
            ✗ {violations.length === 1 ? "1 violation" : `${violations.length} violations`}:{" "}
            {names.map((name, i) => (
              <>
                {i > 0 ? ", " : ""}
                <code>{name}</code>
              </>
            ))}
          </>
        )}
      </output>
      {causeOrders && !consistent ? (
        <ul class="violations violations-compact">
          {violations.map((v) => (
            <li data-invariant={v.invariant}>
              <code>{v.invariant}</code> <span class="muted">{v.subject}</span>
              <CausedBy violation={v} causeOrders={causeOrders} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
