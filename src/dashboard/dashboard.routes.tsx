import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { deliveryIdParam, deliveryToJson, runByHand } from "../live/bus.routes";
import { bugListSchema } from "../modules/bugs";
import { idempotencyHeaderSchema, orderIdParamSchema, placeOrderBodySchema } from "../modules/orders";
import { sessionSettingsSchema } from "../modules/session-settings";
import { NotFoundError } from "../platform/errors";
import { type OptionalSessionEnv, optionalQuerySession, requireSession, type SessionEnv } from "../platform/session";
import { readForm, validate } from "../platform/validation";
import { htmlSecurityHeaders } from "../web/security";
import { dashboardCartRoutes } from "./cart.routes";
import { type DashboardSources, dashboardData, defaultFormFor, type TimelineChoice } from "./dashboard-data";
import { diagramStyles } from "./diagram-styles";
import { parseOrderForm } from "./order-form";
import { publicOrigin } from "./public-origin";
import { predictionVerdict } from "./step-preview";
import { checkGuess, guessFormSchema } from "./step-question";
import { BreakItPanel } from "./views/break-it";
import { BusPanel } from "./views/bus";
import { CurlBox } from "./views/curl-box";
import { EventLogPanel } from "./views/event-log";
import { HistoryPanel, RebuildResult } from "./views/history-scrubber";
import { InboxPanel } from "./views/inbox";
import { InvariantsPanel, InvariantsVerdict } from "./views/invariants";
import { InventoryPanel, StatsPanel } from "./views/inventory";
import { KnobsPanel } from "./views/knobs";
import { AvailabilityResult, OrderForm, OrderFormKey, OrderResult } from "./views/order-form";
import { OrdersPanel } from "./views/orders";
import { DashboardPage, SessionShell } from "./views/page";
import type { PageView } from "./views/page-header";
import { PaymentsPanel } from "./views/payments";
import { RACE_MAX_ORDERS, RacePanel } from "./views/race";
import { ReservationsPanel } from "./views/reservations";
import { SagasPanel } from "./views/sagas";
import { SagaPicturePanel, SequenceDiagramFile } from "./views/sequence-diagram";
import { ShipmentsPanel } from "./views/shipments";
import { StagePage } from "./views/stage";
import { TimelinePanel } from "./views/timeline";

/** The origin the curl box names: the one the visitor typed, proxy headers included (public-origin.ts). */
function originOf(c: Context): string {
  return publicOrigin({
    url: c.req.url,
    forwardedProto: c.req.header("x-forwarded-proto"),
    forwardedHost: c.req.header("x-forwarded-host"),
    host: c.req.header("host"),
  });
}

/** `?order=` when it is a plausible id; anything else means no selection. */
function selectedOrder(c: Context): string | undefined {
  const id = c.req.query("order");
  return id && id.length <= 200 ? id : undefined;
}

/** The timeline fragment's choice: `?order=<id>`, or (`?follow=newest`, or nothing) the newest order. */
function timelineChoice(c: Context): TimelineChoice {
  const orderId = selectedOrder(c);
  return orderId && c.req.query("follow") !== "newest" ? { orderId } : "newest";
}

/**
 * `?view=stage`: the projector's stage view. Anything else (absent, misspelt) is the dashboard,
 * the page every link without a view opens: a view is a way of looking, never an error.
 */
export function pageViewOf(view: string | undefined): PageView {
  return view === "stage" ? "stage" : "dashboard";
}

const sagaIdParam = z.object({ id: z.string().min(1).max(200) });

/** A number typed in a form: an empty box is an error, not 0. */
const formNumber = z.string().trim().min(1, "Required: a number").pipe(z.coerce.number());
/** A number typed in a form where an empty box means "never" (null). */
const formNumberOrNever = z.union([
  z
    .string()
    .trim()
    .length(0)
    .transform(() => null),
  formNumber,
]);

/** A check box of the knobs form, sent as "on" or "off" (public/dashboard.js). */
const formSwitch = z.enum(["on", "off"]).transform((box) => box === "on");

/**
 * The knobs form posts the one knob that changed (public/dashboard.js): a whole form, read
 * before another control changed a setting (Step mode on the bus panel), would put that setting
 * back. A knob absent from the form is left as it is; a form with none is refused. The result is
 * validated by the same schema as the settings `PATCH /settings` answers.
 */
const knobsFormSchema = z
  .object({
    inventoryDelayMs: formNumber,
    paymentDelayMs: formNumber,
    shippingDelayMs: formNumber,
    inventoryFailureRate: formNumber,
    paymentFailureRate: formNumber,
    shippingFailureRate: formNumber,
    duplicateDeliveryRate: formNumber,
    reactionFaultRate: formNumber,
    reservationTtlMs: formNumberOrNever,
    orderTimeoutMs: formNumber,
    cartTtlMs: formNumber,
    sagaStyle: z.string(),
    stepMode: formSwitch,
    predictNext: formSwitch,
    shipmentStep: formSwitch,
  })
  .partial()
  .refine((form) => Object.values(form).some((value) => value !== undefined), "The form names no knob to change")
  // The switches of "Break it" are not on this form: posting the knobs leaves them as they are.
  .pipe(sessionSettingsSchema.omit({ bugs: true, crashBetweenWritesRate: true }).partial());

/**
 * The "Break it" form: the switches ticked (a form names a repeated field once per value, and
 * not at all when none is ticked) and the crash rate. It changes nothing else.
 */
const bugsFormSchema = z.object({
  bugs: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((ticked) => (ticked === undefined ? [] : Array.isArray(ticked) ? ticked : [ticked]))
    .pipe(bugListSchema),
  crashBetweenWritesRate: formNumber.pipe(sessionSettingsSchema.shape.crashBetweenWritesRate),
});

const raceFormSchema = z.object({
  product: z.string().min(1).max(64),
  count: z.coerce.number().int().min(1).max(RACE_MAX_ORDERS),
});

export function dashboardRoutes(sources: DashboardSources) {
  const data = dashboardData(sources);
  const diagramCss = diagramStyles();
  const { orders, inventory } = sources;

  /**
   * Seed and reset change stock without an event on the bus, so their answer refreshes every
   * panel that shows stock. A refusal (409: units still reserved) is thrown to the app's one
   * error handler, which answers htmx with an alert.
   */
  const stockPanels = (sessionId: string) => {
    const products = data.productsFor(sessionId);
    return (
      <>
        <InventoryPanel products={products} />
        <StatsPanel stats={data.statsFor(sessionId)} oob />
        <ReservationsPanel {...data.reservationsFor(sessionId)} oob />
        <OrderForm
          products={products}
          state={defaultFormFor(products, data.knobsFor(sessionId).sagaStyle)}
          idempotencyKey={data.newOrderKey()}
          oob
        />
      </>
    );
  };

  /** The order's versions; none for an order this session has no stream of (a stale pin, another session's id). */
  const historyOf = (sessionId: string, orderId: string) => {
    try {
      return orders.queries.orderHistory(sessionId, orderId);
    } catch (error) {
      if (error instanceof NotFoundError) return [];
      throw error;
    }
  };

  const fragments = new Hono<SessionEnv>()
    .use(htmlSecurityHeaders(), requireSession({ allowQuery: true }))
    .get("/inventory", (c) => c.html(<InventoryPanel products={data.productsFor(c.var.sessionId)} />))
    .get("/stats", (c) => c.html(<StatsPanel stats={data.statsFor(c.var.sessionId)} />))
    .get("/orders", (c) => c.html(<OrdersPanel orders={data.ordersFor(c.var.sessionId)} />))
    .get("/reservations", (c) => c.html(<ReservationsPanel {...data.reservationsFor(c.var.sessionId)} />))
    .get("/sagas", (c) => c.html(<SagasPanel sagas={data.sagasFor(c.var.sessionId)} />))
    .post("/sagas/:id/retry", validate("param", sagaIdParam), (c) => {
      sources.sagas.retrySaga(c.var.sessionId, c.req.valid("param").id);
      return c.html(<SagasPanel sagas={data.sagasFor(c.var.sessionId)} refreshOnLoad />);
    })
    .post("/sagas/:id/compensate", validate("param", sagaIdParam), (c) => {
      sources.sagas.compensateSaga(c.var.sessionId, c.req.valid("param").id);
      return c.html(<SagasPanel sagas={data.sagasFor(c.var.sessionId)} refreshOnLoad />);
    })
    .get("/inbox", (c) => c.html(<InboxPanel notifications={data.inboxFor(c.var.sessionId)} />))
    .post("/orders/:id/cancel", validate("param", orderIdParamSchema), (c) => {
      const { id } = c.req.valid("param");
      orders.commands.requestCancellation(c.var.sessionId, id, "customer", "Cancelled by the customer");
      // Answered with that order's timeline, pinned: the compensation unfolds there, live. It
      // fetches itself again on arrival: live refreshes may already have shown a later state.
      return c.html(<TimelinePanel {...data.timelineFor(c.var.sessionId, { orderId: id })} refreshOnLoad />);
    })
    .get("/payments", (c) => c.html(<PaymentsPanel payments={data.paymentsFor(c.var.sessionId)} />))
    .get("/shipments", (c) => c.html(<ShipmentsPanel shipments={data.shipmentsFor(c.var.sessionId)} />))
    .get("/race", (c) => {
      const orderIds = (c.req.query("orders") ?? "")
        .split(",")
        .filter((id) => id !== "" && id.length <= 200)
        .slice(0, RACE_MAX_ORDERS);
      const product = c.req.query("product");
      const stockAtStart = Number(c.req.query("stock"));
      const race =
        product && orderIds.length > 0 && Number.isInteger(stockAtStart)
          ? { product, stockAtStart, orders: orderIds.flatMap((id) => orders.queries.findOrder(c.var.sessionId, id) ?? []) }
          : undefined;
      return c.html(<RacePanel products={data.productsFor(c.var.sessionId)} race={race} />);
    })
    .post("/race", validate("form", raceFormSchema), async (c) => {
      const { product, count } = c.req.valid("form");
      const stockAtStart = data.productsFor(c.var.sessionId).find((p) => p.id === product)?.available ?? 0;
      // The same body the API would take: one unit each, no demo delays, so the race is run at once.
      const input = placeOrderBodySchema.parse({ items: [{ product, quantity: 1 }], skipDemoDelays: true });
      // Placed in the same turn of the event loop: one commit, and the relay takes them all in one round.
      const placed = await Promise.all(Array.from({ length: count }, () => orders.commands.placeOrder(c.var.sessionId, input)));
      return c.html(
        <RacePanel products={data.productsFor(c.var.sessionId)} race={{ product, stockAtStart, orders: placed }} refreshOnLoad />,
      );
    })
    .post("/events/:seq/redeliver", validate("param", z.object({ seq: z.coerce.number().int().min(1) })), (c) => {
      const { seq } = c.req.valid("param");
      if (!sources.redeliver(c.var.sessionId, seq)) throw new NotFoundError(`Event ${seq}`);
      // Answered with the timeline of the redelivered event's order, its duplicates now in it.
      return c.html(<TimelinePanel {...data.timelineFor(c.var.sessionId, timelineChoice(c))} />);
    })
    .get("/bus", (c) => c.html(<BusPanel {...data.busFor(c.var.sessionId)} />))
    .post("/bus/step-mode", (c) => {
      sources.settings.change(c.var.sessionId, { stepMode: c.req.query("on") === "true" });
      return c.html(<BusPanel {...data.busFor(c.var.sessionId)} refreshOnLoad />);
    })
    .post("/bus/step", (c) => {
      const ran = runByHand.step(sources.steering, c.var.sessionId);
      // The room's pick is judged against the delivery it was for, the one Step ran (else there is no verdict).
      const pick = data.room.pickFor(c.var.sessionId, ran.delivery.id);
      data.room.stepped(
        c.var.sessionId,
        pick === undefined ? undefined : predictionVerdict(pick, deliveryToJson(ran.delivery), data.subscribedReactions()),
      );
      return c.html(<BusPanel {...data.busFor(c.var.sessionId)} refreshOnLoad />);
    })
    .post("/bus/guess", validate("form", guessFormSchema), (c) => {
      const { deliveryId, reaction } = c.req.valid("form");
      checkGuess(sources, data, c.var.sessionId, { deliveryId, reaction });
      data.room.pick(c.var.sessionId, deliveryId, reaction);
      return c.html(<BusPanel {...data.busFor(c.var.sessionId)} refreshOnLoad />);
    })
    .post("/bus/deliveries/:id/deliver", validate("param", deliveryIdParam), (c) => {
      runByHand.deliver(sources.steering, c.var.sessionId, c.req.valid("param").id);
      return c.html(<BusPanel {...data.busFor(c.var.sessionId)} refreshOnLoad />);
    })
    .post("/bus/dead-letters/:id/retry", validate("param", deliveryIdParam), (c) => {
      runByHand.retry(sources.steering, c.var.sessionId, c.req.valid("param").id);
      return c.html(<BusPanel {...data.busFor(c.var.sessionId)} refreshOnLoad />);
    })
    .get("/knobs", (c) => c.html(<KnobsPanel settings={data.knobsFor(c.var.sessionId)} />))
    .post("/knobs", validate("form", knobsFormSchema), (c) => {
      const settings = sources.settings.change(c.var.sessionId, c.req.valid("form"));
      return c.html(<KnobsPanel settings={settings} />);
    })
    .post("/knobs/reset", (c) => c.html(<KnobsPanel settings={sources.settings.reset(c.var.sessionId)} />))
    .get("/bugs", async (c) =>
      c.html(
        <BreakItPanel
          settings={data.knobsFor(c.var.sessionId)}
          code={sources.breakIt}
          invariants={await data.invariantsFor(c.var.sessionId)}
        />,
      ),
    )
    .post("/bugs", validate("form", bugsFormSchema), async (c) => {
      const settings = sources.settings.change(c.var.sessionId, c.req.valid("form"));
      return c.html(<BreakItPanel settings={settings} code={sources.breakIt} invariants={await data.invariantsFor(c.var.sessionId)} />);
    })
    .get("/invariants", async (c) => c.html(<InvariantsPanel {...(await data.invariantsFor(c.var.sessionId))} />))
    .get("/invariants/verdict", async (c) => {
      // `?causes=true`: the Break it panel's verdict, each violation with its causes linked.
      const { report, causeOrders } = await data.invariantsFor(c.var.sessionId);
      return c.html(<InvariantsVerdict report={report} causeOrders={c.req.query("causes") === "true" ? causeOrders : undefined} />);
    })
    .get("/events", (c) => c.html(<EventLogPanel {...data.eventsFor(c.var.sessionId)} />))
    .get("/diagram", (c) => {
      // `?arrow=` selects one arrow of the diagram; an id it does not have selects nothing.
      const arrow = c.req.query("arrow");
      return c.html(
        <SagaPicturePanel {...data.diagramFor(c.var.sessionId, timelineChoice(c), arrow && arrow.length <= 200 ? arrow : undefined)} />,
      );
    })
    .get("/diagram.svg", async (c) => {
      const orderId = c.req.query("order") ?? "";
      const view = orderId.length > 0 && orderId.length <= 200 ? data.diagramFor(c.var.sessionId, { orderId }) : undefined;
      if (!view?.order) throw new NotFoundError(`Order ${orderId.slice(0, 200)}`);
      const file = <SequenceDiagramFile picture={view.picture} view={view} styles={diagramCss} />;
      return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${await file.toString()}`, 200, {
        "content-type": "image/svg+xml; charset=utf-8",
        "content-disposition": `attachment; filename="saga-${view.order.id}.svg"`,
      });
    })
    .get("/history", (c) => {
      // The order the diagram follows: the pinned one, else the newest; an order of no stream (or another session's) shows none.
      const choice = timelineChoice(c);
      const orderId = choice === "newest" ? data.ordersFor(c.var.sessionId)[0]?.id : choice.orderId;
      const versions = orderId ? historyOf(c.var.sessionId, orderId) : [];
      return c.html(
        <HistoryPanel orderId={versions.length > 0 ? orderId : undefined} following={choice === "newest"} versions={versions} />,
      );
    })
    .post("/orders/projection/rebuild", async (c) =>
      c.html(<RebuildResult report={await orders.commands.rebuildProjection(c.var.sessionId)} />),
    )
    .get("/timeline", (c) => c.html(<TimelinePanel {...data.timelineFor(c.var.sessionId, timelineChoice(c))} />))
    .get("/curl", (c) =>
      c.html(<CurlBox origin={originOf(c)} sessionId={c.var.sessionId} latestOrderId={data.ordersFor(c.var.sessionId)[0]?.id} />),
    )
    .post("/inventory/seed", (c) => {
      inventory.commands.seedCatalog(c.var.sessionId);
      return c.html(stockPanels(c.var.sessionId));
    })
    .post("/inventory/reset", async (c) => {
      await inventory.commands.resetInventory(c.var.sessionId);
      return c.html(stockPanels(c.var.sessionId));
    })
    // The Invariants panel's resets: each answers that panel, checked again after it.
    .post("/orders/reset", async (c) => {
      await orders.commands.resetOrders(c.var.sessionId);
      return c.html(<InvariantsPanel {...(await data.invariantsFor(c.var.sessionId))} />);
    })
    .post("/payments/reset", async (c) => {
      sources.payments.commands.resetPayments(c.var.sessionId);
      return c.html(<InvariantsPanel {...(await data.invariantsFor(c.var.sessionId))} />);
    })
    .post("/session/delete", async (c) => {
      // The same session id starts over, with the default catalog as a new session gets it
      // (public/dashboard.js startNewSession); htmx reloads the page onto it.
      await sources.wipeSession(c.var.sessionId);
      inventory.commands.seedCatalog(c.var.sessionId);
      c.header("HX-Refresh", "true");
      return c.html("");
    })
    .post("/orders", async (c) => {
      const form = await readForm(c);
      const parsed = parseOrderForm(form);
      if (!parsed.ok) {
        // 422 so scripts can tell; htmx 4 swaps error answers like any other.
        return c.html(<OrderResult errors={parsed.errors} />, 422);
      }
      // The form carries the Idempotency-Key rendered with it, so a double click replays one order;
      // only a new order's answer gives the form a fresh key (OrderFormKey, out of band).
      const key = idempotencyHeaderSchema.shape["idempotency-key"].safeParse(form.get("idempotencyKey") ?? undefined);
      if (!key.success)
        return c.html(<OrderResult errors={[{ path: "idempotencyKey", message: key.error.issues[0]?.message ?? "" }]} />, 422);
      const idempotencyKey = key.data ?? data.newOrderKey();
      const { order, replayed } = await orders.commands.placeOrderOnce(c.var.sessionId, parsed.input, idempotencyKey);
      const fields = [...form.entries()].flatMap(([name, value]) =>
        name !== "idempotencyKey" && typeof value === "string" ? [[name, value] as [string, string]] : [],
      );
      const result = <OrderResult placed={order} replayed={replayed} again={{ fields, idempotencyKey }} />;
      if (replayed) return c.html(result);
      // The new order's saga takes over the timeline, which fetches itself again on arrival: by
      // the time this answer lands, live refreshes may already have shown a later state.
      return c.html(
        <>
          {result}
          <OrderFormKey idempotencyKey={data.newOrderKey()} oob />
          <TimelinePanel {...data.timelineFor(c.var.sessionId, { orderId: order.id })} oob refreshOnLoad />
        </>,
      );
    })
    .post("/inventory/check", async (c) => {
      const parsed = parseOrderForm(await readForm(c));
      if (!parsed.ok) return c.html(<OrderResult errors={parsed.errors} />, 422);
      return c.html(<AvailabilityResult check={inventory.queries.checkAvailability(c.var.sessionId, parsed.input.items)} />);
    });

  return new Hono<OptionalSessionEnv>()
    .get("/", htmlSecurityHeaders(), optionalQuerySession(), async (c) => {
      const session = c.var.session;
      if (!session.ok) {
        const invalid = session.given === undefined || session.given === "" ? undefined : session.given.slice(0, 80);
        return c.html(<SessionShell suggestedSessionId={sources.ids.uuid()} invalid={invalid} />);
      }
      const view = await data.dashboardViewFor(session.sessionId, selectedOrder(c));
      if (pageViewOf(c.req.query("view")) === "stage") return c.html(<StagePage view={view} />);
      return c.html(<DashboardPage view={view} origin={originOf(c)} />);
    })
    .route("/dashboard", fragments)
    .route(
      "/dashboard",
      new Hono<SessionEnv>()
        .use(htmlSecurityHeaders(), requireSession({ allowQuery: true }))
        .route("/", dashboardCartRoutes(sources, data)),
    );
}
