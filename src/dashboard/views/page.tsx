import { ALERT_REGION_ID } from "../../web/error-fragment";
import { Layout } from "../../web/layout";
import type { DashboardView, DiagramView } from "../dashboard-data";
import { BreakItPanel } from "./break-it";
import { BusPanel } from "./bus";
import { CurlBox } from "./curl-box";
import { EventLogPanel } from "./event-log";
import { HistoryPanel } from "./history-scrubber";
import { InboxPanel } from "./inbox";
import { InvariantsPanel } from "./invariants";
import { InventoryPanel, StatsPanel } from "./inventory";
import { KnobsPanel } from "./knobs";
import { OrderForm } from "./order-form";
import { OrdersPanel } from "./orders";
import { PageHeader } from "./page-header";
import { PaymentsPanel } from "./payments";
import { RacePanel } from "./race";
import { ReservationsPanel } from "./reservations";
import { SagasPanel } from "./sagas";
import { SagaPicturePanel } from "./sequence-diagram";
import { ShipmentsPanel } from "./shipments";
import { TimelinePanel, type TimelineProps } from "./timeline";

export const DIAGRAM_SLOT_ID = "diagram-slot";

/**
 * Where the picture of the followed saga goes, on the dashboard and on the stage view alike:
 * the sequence diagram and module map, then the timeline, their text. It is a plain box, not a
 * panel: each panel inside refreshes itself, and the box only gives them their place on the
 * page (and, where the page must fit a screen, a height of its own to scroll in).
 */
export function DiagramSlot(props: { diagram: DiagramView; timeline: TimelineProps }) {
  return (
    <div id={DIAGRAM_SLOT_ID} class="diagram-slot">
      <SagaPicturePanel {...props.diagram} />
      {/* Empty here: it fetches the followed order's versions on load, and on each live change. */}
      <HistoryPanel orderId={props.diagram.order?.id} following={props.diagram.following} versions={[]} loadOnArrival />
      <TimelinePanel {...props.timeline} />
    </div>
  );
}

/** The dashboard's two tabs: what a step changes, and everything else. */
export const dashboardTabs = [
  { id: "saga", label: "Saga", title: "The saga, the board, the bus, the orders, the knobs and Break it" },
  {
    id: "details",
    label: "Details",
    title: "Stats, payments, shipments, the event log, the inbox, invariants, the race and curl",
  },
] as const;

/**
 * The tab buttons (WAI-ARIA tabs): public/dashboard.js switches them on click and with the
 * arrow keys, Home and End. Without the script the Details panels stay hidden; every one is
 * also an API call (see the curl box's commands in docs/api.md).
 */
/**
 * The tabs, and beside them the attendee's name for the teacher's overview: optional, never in
 * the way (public/dashboard.js fills it from GET /session and PATCHes /session on change).
 */
function TabList() {
  return (
    <div class="tabs-row">
      <div class="tabs" role="tablist" aria-label="Dashboard sections" id="dashboard-tabs">
        {dashboardTabs.map((tab, i) => (
          <button
            type="button"
            role="tab"
            class="tab"
            id={`tab-${tab.id}`}
            aria-controls={`tabpanel-${tab.id}`}
            aria-selected={String(i === 0)}
            tabindex={i === 0 ? 0 : -1}
            title={tab.title}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <label class="session-name-field" title="Shown next to your session on the teacher's overview">
        <span class="muted">Your name</span>
        <input type="text" id="session-name" name="name" maxlength={40} autocomplete="nickname" spellcheck={false} placeholder="optional" />
      </label>
    </div>
  );
}

/**
 * The whole dashboard: nothing but the same panels the fragment routes answer. The Saga tab
 * holds what a step of the workshop changes, the diagram slot and the board first so they are
 * on the first screen; the Details tab the panels nobody watches during a step. Both tabs are
 * always in the page, so a hidden panel still refreshes live and is current when shown.
 */
export function DashboardPage(props: { view: DashboardView; origin: string }) {
  const { view } = props;
  return (
    <Layout title={`Saga dashboard · ${view.sessionId}`}>
      <PageHeader sessionId={view.sessionId} view="dashboard" catalogEmpty={view.products.length === 0} />
      <div id={ALERT_REGION_ID} role="status" aria-live="polite" />
      <main class="dashboard">
        <TabList />
        <div class="grid grid-saga" role="tabpanel" id="tabpanel-saga" aria-labelledby="tab-saga">
          <OrderForm products={view.products} state={view.form} idempotencyKey={view.orderKey} />
          <DiagramSlot diagram={view.diagram} timeline={view.timeline} />
          <ReservationsPanel {...view.reservations} />
          <BusPanel {...view.bus} />
          <InventoryPanel products={view.products} />
          <OrdersPanel orders={view.orders} selectedOrderId={view.timeline.order?.id} />
          <KnobsPanel settings={view.knobs} />
          <SagasPanel sagas={view.sagas} />
          <BreakItPanel settings={view.knobs} code={view.breakIt} invariants={view.invariants} />
        </div>
        <div class="grid grid-details" role="tabpanel" id="tabpanel-details" aria-labelledby="tab-details" hidden>
          <PaymentsPanel payments={view.payments} />
          <ShipmentsPanel shipments={view.shipments} />
          <StatsPanel stats={view.stats} />
          <InboxPanel notifications={view.inbox} />
          <InvariantsPanel {...view.invariants} />
          <RacePanel products={view.products} />
          <EventLogPanel {...view.events} />
          <CurlBox origin={props.origin} sessionId={view.sessionId} latestOrderId={view.orders[0]?.id} />
        </div>
      </main>
      <footer class="foot muted">
        Share this page's URL to show the same session on another screen; add <code>&amp;view=stage</code> (the Stage view button) for a
        projector. Every panel is also an API call: see the curl box in Details.
      </footer>
    </Layout>
  );
}

/**
 * Answered when the URL names no (valid) session: public/dashboard.js picks the one kept in
 * localStorage, or makes and seeds a new one, and comes back with `?session=`.
 */
export function SessionShell(props: { suggestedSessionId: string; invalid?: string }) {
  return (
    <Layout title="Saga dashboard">
      <main class="shell">
        <h1>Saga workshop</h1>
        {props.invalid !== undefined ? (
          <p class="alert" role="alert">
            “<code>{props.invalid}</code>” is not a session id: use 1 to 64 characters of A-Z a-z 0-9 . _ : -
          </p>
        ) : null}
        <p id="session-starting">Opening your session…</p>
        <p>
          <a href={`/?session=${props.suggestedSessionId}`} id="start-session">
            Start a new session
          </a>
        </p>
      </main>
    </Layout>
  );
}
