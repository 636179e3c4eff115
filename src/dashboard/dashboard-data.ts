import type { DeliveryLogEntry } from "../bus/delivery-log";
import type { Steering } from "../bus/steering";
import type { ConsistencyReport } from "../consistency/invariants";
import {
  BUS_DELIVERIES_SHOWN,
  deadLetterToJson,
  deliveryToJson,
  type UpcomingDeliveryJson,
  upcomingDeliveryToJson,
} from "../live/bus.routes";
import type { CartModule } from "../modules/cart";
import type { SagaBus, SagaEvent, SagaPayload } from "../modules/events";
import type { InventoryModule } from "../modules/inventory";
import type { NotificationsModule } from "../modules/notifications";
import type { OrderJson, OrdersModule } from "../modules/orders";
import type { PaymentsModule } from "../modules/payments";
import type { SagaStyle, SessionSettings, SettingsPatch } from "../modules/session-settings";
import type { ShippingModule } from "../modules/shipping";
import type { Ids } from "../platform/ids";
import type { SagaStepJson } from "../sagas/saga-steps";
import type { SagaAdmin } from "../sagas/sagas";
import type { BreakItCode } from "../scenarios";
import { moduleMap } from "./module-map";
import { emptyOrderForm, type OrderFormState } from "./order-form";
import { RoomPredictions } from "./room-predictions";
import { sagaPicture } from "./saga-picture";
import { predictionChoices, type SubscribedReaction, stepPreview } from "./step-preview";
import type { BusView } from "./views/bus";
import { EVENTS_SHOWN } from "./views/event-log";
import { INBOX_SHOWN } from "./views/inbox";
import { ORDERS_SHOWN } from "./views/orders";
import { PAYMENTS_SHOWN } from "./views/payments";
import { RESERVATIONS_SHOWN } from "./views/reservations";
import { SAGAS_SHOWN } from "./views/sagas";
import { SHIPMENTS_SHOWN } from "./views/shipments";

/**
 * What the dashboard works with: each module's public face and the bus's event log. It owns
 * no tables and runs no SQL of its own.
 */
export interface DashboardSources {
  orders: Pick<OrdersModule, "queries" | "commands">;
  /** The order form's cart, as `/cart` runs it. */
  cart: Pick<CartModule["commands"], "read" | "addLines" | "removeLine" | "checkout">;
  inventory: Pick<InventoryModule, "queries" | "commands">;
  payments: { queries: PaymentsModule["queries"]; commands: Pick<PaymentsModule["commands"], "resetPayments"> };
  shipping: Pick<ShippingModule, "queries">;
  /** Its log, and the reactions subscribed (the module map is drawn from them). */
  bus: Pick<SagaBus, "log" | "subscriptions">;
  ids: Ids;
  /** The invariant checker over one session (src/consistency), as `GET /consistency` runs it. */
  /** The invariant check, run in slices so a big session does not hold up others. */
  checkConsistency: (sessionId: string) => Promise<ConsistencyReport>;
  /** The relay's attempts for one order, as `GET /orders/:id/deliveries` answers them. */
  deliveriesOf: (sessionId: string, orderId: string) => readonly DeliveryLogEntry[];
  /** The bus, steered from the page: the session's scheduled deliveries, Step, Deliver, dead letters and Retry. */
  steering: Pick<Steering<SagaPayload>, "scheduled" | "nextStep" | "step" | "deliver" | "deadLetters" | "retry" | "upcomingFor">;
  /** The session's knobs, as `GET`/`PATCH`/`DELETE /settings` read, change and reset them. */
  settings: {
    of: (sessionId: string) => SessionSettings;
    change: (sessionId: string, patch: SettingsPatch) => SessionSettings;
    reset: (sessionId: string) => SessionSettings;
  };
  /** The server's clock: due times are shown as countdowns from it. */
  now: () => number;
  /** The operator's view of the session's sagas (`GET /sagas`) and its two actions. */
  sagas: Pick<SagaAdmin, "listSagas" | "retrySaga" | "compensateSaga" | "sagaView">;
  notifications: Pick<NotificationsModule["queries"], "listNotifications">;
  /** A deliberate duplicate of one of the session's events (`POST /events/:seq/redeliver`); false when there is no such event. */
  redeliver: (sessionId: string, seq: number) => boolean;
  /** `DELETE /session`: every row of the session, gone (the dashboard's "Delete session"). */
  wipeSession: (sessionId: string) => Promise<unknown>;
  /** "Break it"'s scenarios and each switch's bug and fix, as read from the code at start-up. */
  breakIt: BreakItCode;
}

export interface TimelineView {
  order?: OrderJson;
  events: SagaEvent[];
  /** Each attempt to deliver the order's events, with its outcome. */
  deliveries: readonly DeliveryLogEntry[];
  /** What the saga waits for next: its scheduled deliveries and dead letters. */
  upcoming: UpcomingDeliveryJson[];
  /** The saga's steps and their status, as GET /sagas/:id answers them. */
  steps: SagaStepJson[];
  now: number;
  /** The timeline moves on to each new order of the session (a projector mirroring an attendee). */
  following: boolean;
}

/** Which saga the timeline shows: one chosen order, or always the session's newest. */
export type TimelineChoice = { orderId: string } | "newest";

/** What each panel shows, read through the modules' public queries. */
export function dashboardData(sources: DashboardSources) {
  const { orders, inventory, payments, bus } = sources;

  /** An order of another session reads as no order at all, exactly as the API's 404 does. */
  function timelineFor(sessionId: string, choice: TimelineChoice): TimelineView {
    const following = choice === "newest";
    const order = following ? orders.queries.listOrders(sessionId, 1)[0] : orders.queries.findOrder(sessionId, choice.orderId);
    return {
      order,
      events: order ? bus.log.orderEvents(sessionId, order.id) : [],
      deliveries: order ? sources.deliveriesOf(sessionId, order.id) : [],
      upcoming: order ? sources.steering.upcomingFor(sessionId, order.id).map(upcomingDeliveryToJson) : [],
      // An orchestrated saga's log, as GET /sagas/:id answers it (a choreographed saga's events are its whole story).
      steps: order && order.sagaStyle === "orchestration" ? sources.sagas.sagaView(sessionId, order.sagaId).steps : [],
      now: sources.now(),
      following,
    };
  }

  /** The followed saga as a sequence diagram, and the module map under the session's settings now. */
  function diagramFor(sessionId: string, choice: TimelineChoice, selectedArrow?: string) {
    const timeline = timelineFor(sessionId, choice);
    const settings = sources.settings.of(sessionId);
    return {
      sessionId,
      order: timeline.order,
      following: timeline.following,
      events: timeline.events,
      picture: sagaPicture(timeline),
      map: moduleMap({ subscriptions: bus.subscriptions.all(), settings, events: timeline.events, deliveries: timeline.deliveries }),
      settings: { sagaStyle: settings.sagaStyle, shipmentStep: settings.shipmentStep },
      selectedArrow,
    };
  }

  const room = new RoomPredictions();
  const subscribedReactions = (): SubscribedReaction[] => bus.subscriptions.all().map(({ name, on }) => ({ name, on }));

  const data = {
    productsFor: (sessionId: string) => inventory.queries.listProducts(sessionId),
    statsFor: (sessionId: string) => inventory.queries.inventoryStats(sessionId),
    ordersFor: (sessionId: string) => orders.queries.listOrders(sessionId, ORDERS_SHOWN),
    /** With the server's clock, so a PENDING card counts down to its expiry. */
    reservationsFor: (sessionId: string) => ({
      reservations: inventory.queries.listReservations(sessionId, RESERVATIONS_SHOWN),
      now: sources.now(),
    }),
    /** The sagas that need watching: running or stuck, newest first. */
    sagasFor: (sessionId: string) =>
      sources.sagas
        .listSagas(sessionId, { limit: SAGAS_SHOWN * 4 })
        .filter((saga) => saga.status === "running" || saga.status === "stuck")
        .slice(0, SAGAS_SHOWN),
    inboxFor: (sessionId: string) => sources.notifications.listNotifications(sessionId, INBOX_SHOWN),
    paymentsFor: (sessionId: string) => payments.queries.listPayments(sessionId, PAYMENTS_SHOWN),
    shipmentsFor: (sessionId: string) => sources.shipping.queries.listShipments(sessionId, SHIPMENTS_SHOWN),
    /** The newest events, with how many the session's log holds: the log numbers them within the session. */
    eventsFor: (sessionId: string) => ({
      events: bus.log.recentSessionEvents(sessionId, EVENTS_SHOWN),
      total: bus.log.sessionEventCount(sessionId),
    }),
    timelineFor,
    diagramFor,
    /** `GET /consistency`, with the order of each event a violation names as its cause (its link pins that order's saga). */
    invariantsFor: async (sessionId: string) => {
      const report = await sources.checkConsistency(sessionId);
      const causeOrders = new Map<number, string>();
      for (const violation of report.violations) {
        for (const seq of violation.causedBy) {
          // An event that names no order (seed 000's INVENTORY_FAILED) is shown in the saga it answers: the violation's order.
          const orderId = bus.log.sessionEvent(sessionId, seq)?.orderId || violation.subject;
          if (orderId && sources.orders.queries.findOrder(sessionId, orderId)) causeOrders.set(seq, orderId);
        }
      }
      return { sessionId, report, causeOrders };
    },
    /**
     * The bus panel: what is scheduled, what Step runs next (the same choice Step makes) and,
     * with predictNext on in step mode, the room's question about it, its pick so far and what
     * the last Step revealed (room-predictions.ts).
     */
    busFor: (sessionId: string): BusView => {
      const deliveries = sources.steering.scheduled(sessionId, BUS_DELIVERIES_SHOWN).map(deliveryToJson);
      const nextRow = sources.steering.nextStep(sessionId);
      const next = nextRow ? deliveryToJson(nextRow) : null;
      const settings = sources.settings.of(sessionId);
      const newest = orders.queries.listOrders(sessionId, 1)[0]?.id ?? null;
      const asking = settings.predictNext && settings.stepMode && next !== null;
      return {
        deliveries,
        deadLetters: sources.steering.deadLetters(sessionId, BUS_DELIVERIES_SHOWN).map(deadLetterToJson),
        stepMode: settings.stepMode,
        now: sources.now(),
        preview: stepPreview(deliveries, next, newest),
        question: asking
          ? {
              deliveryId: next.id,
              choices: predictionChoices(next.reaction, subscribedReactions()),
              guess: room.pickFor(sessionId, next.id),
            }
          : undefined,
        verdict: room.verdict(sessionId),
      };
    },
    /** The reactions the server subscribed, in the registry's order: the question's choices are drawn from them. */
    subscribedReactions,
    /** The room's picks and verdicts, in memory. */
    room,
    knobsFor: (sessionId: string) => sources.settings.of(sessionId),
    /** One Idempotency-Key per rendered order form: every click of that render replays one order. */
    newOrderKey: () => `dashboard-${sources.ids.uuid()}`,

    /** Without a chosen order the timeline follows the newest one. */
    async dashboardViewFor(sessionId: string, selectedOrderId?: string) {
      const products = data.productsFor(sessionId);
      const sessionOrders = data.ordersFor(sessionId);
      return {
        sessionId,
        products,
        form: defaultFormFor(products, sources.settings.of(sessionId).sagaStyle),
        orderKey: data.newOrderKey(),
        stats: data.statsFor(sessionId),
        orders: sessionOrders,
        timeline: timelineFor(sessionId, selectedOrderId ? { orderId: selectedOrderId } : "newest"),
        diagram: diagramFor(sessionId, selectedOrderId ? { orderId: selectedOrderId } : "newest"),
        reservations: data.reservationsFor(sessionId),
        payments: data.paymentsFor(sessionId),
        shipments: data.shipmentsFor(sessionId),
        events: data.eventsFor(sessionId),
        invariants: await data.invariantsFor(sessionId),
        bus: data.busFor(sessionId),
        knobs: data.knobsFor(sessionId),
        sagas: data.sagasFor(sessionId),
        inbox: data.inboxFor(sessionId),
        breakIt: sources.breakIt,
      };
    },
  };
  return data;
}
export type DashboardData = ReturnType<typeof dashboardData>;
export type DiagramView = ReturnType<DashboardData["diagramFor"]>;
export type DashboardView = Awaited<ReturnType<DashboardData["dashboardViewFor"]>>;

/** The form's first line suggests the seed document's order: Mouse Pads, if the catalog has them. */
export function defaultFormFor(products: { id: string }[], sagaStyle: SagaStyle): OrderFormState {
  return emptyOrderForm(products.find((p) => p.id === "mouse-pad")?.id ?? products[0]?.id, sagaStyle);
}
