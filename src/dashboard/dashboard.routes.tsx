import { Hono } from "hono";
import type { Context } from "hono";
import { placeOrder } from "../modules/orders/orders.service";
import { resetInventory, seedCatalog } from "../modules/inventory/inventory.service";
import type { Deps } from "../platform/deps";
import { AppError } from "../platform/errors";
import { type SessionEnv, isValidSessionId, requireSession } from "../platform/session";
import {
  dashboardViewFor,
  defaultFormFor,
  eventsFor,
  ordersFor,
  paymentsFor,
  productsFor,
  reservationsFor,
  statsFor,
  timelineFor,
} from "./dashboard-data";
import { parseOrderForm } from "./order-form";
import { dashboardSecurityHeaders } from "./security";
import { CurlBox } from "./views/curl-box";
import { EventLogPanel } from "./views/event-log";
import { InventoryPanel, StatsPanel } from "./views/inventory";
import { OrderForm } from "./views/order-form";
import { OrdersPanel } from "./views/orders";
import { DashboardPage, SessionShell } from "./views/page";
import { PaymentsPanel } from "./views/payments";
import { ReservationsPanel } from "./views/reservations";
import { TimelinePanel } from "./views/timeline";

const fallbackOrigin = "http://localhost:3000";

/** The origin the curl box names: this request's, when it looks like a plain host[:port]. */
function originOf(c: Context): string {
  const url = new URL(c.req.url);
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(url.host) && /^https?:$/.test(url.protocol) ? `${url.protocol}//${url.host}` : fallbackOrigin;
}

/** `?order=` when it is a plausible id; anything else means no selection. */
function selectedOrder(c: Context): string | undefined {
  const id = c.req.query("order");
  return id && id.length <= 200 ? id : undefined;
}

export function dashboardRoutes(deps: Deps) {
  const fragments = new Hono<SessionEnv>()
    .use(dashboardSecurityHeaders(), requireSession({ allowQuery: true }))
    .get("/inventory", (c) => c.html(<InventoryPanel products={productsFor(deps, c.var.sessionId)} />))
    .get("/stats", (c) => c.html(<StatsPanel stats={statsFor(deps, c.var.sessionId)} />))
    .get("/orders", (c) => c.html(<OrdersPanel orders={ordersFor(deps, c.var.sessionId)} />))
    .get("/reservations", (c) => c.html(<ReservationsPanel reservations={reservationsFor(deps, c.var.sessionId)} />))
    .get("/payments", (c) => c.html(<PaymentsPanel payments={paymentsFor(deps, c.var.sessionId)} />))
    .get("/events", (c) => c.html(<EventLogPanel events={eventsFor(deps, c.var.sessionId)} />))
    .get("/timeline", (c) => c.html(<TimelinePanel {...timelineFor(deps, c.var.sessionId, selectedOrder(c))} />))
    .get("/curl", (c) =>
      c.html(<CurlBox origin={originOf(c)} sessionId={c.var.sessionId} latestOrderId={ordersFor(deps, c.var.sessionId)[0]?.id} />),
    )
    .post("/inventory/seed", (c) => c.html(stockChange(deps, c.var.sessionId, () => seedCatalog(deps, c.var.sessionId))))
    .post("/inventory/reset", (c) => c.html(stockChange(deps, c.var.sessionId, () => resetInventory(deps, c.var.sessionId))))
    .post("/orders", async (c) => {
      const form = await c.req.formData().catch(() => new FormData());
      const parsed = parseOrderForm(form);
      const products = productsFor(deps, c.var.sessionId);
      if (!parsed.ok) {
        // 422 so scripts can tell; htmx 4 swaps error answers like any other.
        return c.html(<OrderForm products={products} state={parsed.state} errors={parsed.errors} />, 422);
      }
      const order = await placeOrder(deps, c.var.sessionId, parsed.input);
      // Keep the chosen behaviours for the next order; the new order's saga takes over the timeline.
      const { paymentBehaviour, inventoryBehaviour, skipDemoDelays } = parsed.state;
      const next = { ...defaultFormFor(products), paymentBehaviour, inventoryBehaviour, skipDemoDelays };
      return c.html(
        <>
          <OrderForm products={products} state={next} placed={order} />
          <TimelinePanel {...timelineFor(deps, c.var.sessionId, order.id)} oob />
        </>,
      );
    });

  return new Hono()
    .get("/", dashboardSecurityHeaders(), (c) => {
      const session = c.req.query("session");
      if (session === undefined || !isValidSessionId(session)) {
        return c.html(
          <SessionShell
            suggestedSessionId={crypto.randomUUID()}
            invalid={session === undefined || session === "" ? undefined : session.slice(0, 80)}
          />,
        );
      }
      return c.html(<DashboardPage view={dashboardViewFor(deps, session, selectedOrder(c))} origin={originOf(c)} />);
    })
    .route("/dashboard", fragments);
}

/**
 * Seed and reset change stock without an event on the bus, so their answer refreshes every
 * panel that shows stock. A refusal (409: units still reserved) is shown in the panel.
 */
function stockChange(deps: Deps, sessionId: string, change: () => unknown) {
  let error: string | undefined;
  try {
    change();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    error = e.message;
  }
  const products = productsFor(deps, sessionId);
  return (
    <>
      <InventoryPanel products={products} error={error} />
      <StatsPanel stats={statsFor(deps, sessionId)} oob />
      <ReservationsPanel reservations={reservationsFor(deps, sessionId)} oob />
      <OrderForm products={products} state={defaultFormFor(products)} oob />
    </>
  );
}
