import { ALERT_REGION_ID } from "../../web/error-fragment";
import { Layout } from "../../web/layout";
import type { DashboardView } from "../dashboard-data";
import { LIVE_SOURCE_ID } from "../live";
import { BusPanel } from "./bus";
import { CurlBox } from "./curl-box";
import { EventLogPanel } from "./event-log";
import { InboxPanel } from "./inbox";
import { InvariantsPanel } from "./invariants";
import { InventoryPanel, StatsPanel } from "./inventory";
import { KnobsPanel } from "./knobs";
import { OrderForm } from "./order-form";
import { OrdersPanel } from "./orders";
import { PaymentsPanel } from "./payments";
import { RacePanel } from "./race";
import { ReservationsPanel } from "./reservations";
import { SagasPanel } from "./sagas";
import { SagaPicturePanel } from "./sequence-diagram";
import { ShipmentsPanel } from "./shipments";
import { TimelinePanel } from "./timeline";

/** The whole dashboard: nothing but the same panels the fragment routes answer. */
export function DashboardPage(props: { view: DashboardView; origin: string }) {
  const { view } = props;
  return (
    <Layout title={`Saga dashboard · ${view.sessionId}`}>
      <header class="top">
        <div class="brand">
          <h1>Saga workshop</h1>
          <p class="tagline">orders → inventory → payments, choreographed over one durable event bus</p>
        </div>
        <div class="session" data-session-id={view.sessionId}>
          <span class="muted">Session</span>
          <code id="session-id">{view.sessionId}</code>
          <button type="button" class="button button-quiet" id="copy-session" data-copy={view.sessionId}>
            Copy
          </button>
          <button
            type="button"
            class="button button-quiet"
            id="projector-toggle"
            aria-pressed="false"
            title="Larger text for a projector; remembered by this browser"
          >
            Projector
          </button>
          <button type="button" class="button button-quiet" id="new-session">
            New session
          </button>
          <a
            class="button button-quiet"
            id="api-reference"
            href={`/docs?session=${encodeURIComponent(view.sessionId)}`}
            title="Every route, with Try it out in this session"
          >
            API
          </a>
          <span
            id={LIVE_SOURCE_ID}
            class="live"
            data-state="connecting"
            // public/dashboard.js connects it (hx-sse:connect) in one tab of the browser and
            // shares its messages with the session's other tabs.
            data-stream-url={`/events/stream?session=${encodeURIComponent(view.sessionId)}`}
            hx-swap="none"
            title="Live updates over GET /events/stream (Server-Sent Events)"
          >
            connecting…
          </span>
        </div>
      </header>
      <div id={ALERT_REGION_ID} role="status" aria-live="polite" />
      <main class="grid">
        <OrderForm products={view.products} state={view.form} />
        <InventoryPanel products={view.products} />
        <StatsPanel stats={view.stats} />
        <OrdersPanel orders={view.orders} selectedOrderId={view.timeline.order?.id} />
        <SagaPicturePanel {...view.diagram} />
        <TimelinePanel {...view.timeline} />
        <ReservationsPanel {...view.reservations} />
        <PaymentsPanel payments={view.payments} />
        <ShipmentsPanel shipments={view.shipments} />
        <EventLogPanel {...view.events} />
        <SagasPanel sagas={view.sagas} />
        <InboxPanel notifications={view.inbox} />
        <KnobsPanel settings={view.knobs} />
        <BusPanel {...view.bus} />
        <InvariantsPanel report={view.invariants} />
        <RacePanel products={view.products} />
        <CurlBox origin={props.origin} sessionId={view.sessionId} latestOrderId={view.orders[0]?.id} />
      </main>
      <footer class="foot muted">
        Share this page's URL to show the same session on another screen. Every panel is also an API call: see the curl box.
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
