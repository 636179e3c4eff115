import { listOrderEvents, listRecentSessionEvents } from "../bus/event-log";
import type { BusEvent } from "../bus/events";
import { inventoryStats, listProducts, listReservations } from "../modules/inventory/inventory.service";
import type { OrderJson } from "../modules/orders/orders.schemas";
import { findOrder, listOrders } from "../modules/orders/orders.service";
import { listPayments } from "../modules/payments/payments.service";
import type { Deps } from "../platform/deps";
import { type OrderFormState, emptyOrderForm } from "./order-form";
import { EVENTS_SHOWN } from "./views/event-log";
import { ORDERS_SHOWN } from "./views/orders";
import { PAYMENTS_SHOWN } from "./views/payments";
import { RESERVATIONS_SHOWN } from "./views/reservations";

/*
 * What each panel shows, read through the modules' own services: the dashboard owns no
 * tables and runs no SQL of its own.
 */

export const productsFor = (deps: Deps, sessionId: string) => listProducts(deps.db, sessionId);
export const statsFor = (deps: Deps, sessionId: string) => inventoryStats(deps.db, sessionId);
export const ordersFor = (deps: Deps, sessionId: string) => listOrders(deps.db, sessionId, ORDERS_SHOWN);
export const reservationsFor = (deps: Deps, sessionId: string) => listReservations(deps.db, sessionId, RESERVATIONS_SHOWN);
export const paymentsFor = (deps: Deps, sessionId: string) => listPayments(deps.db, sessionId, PAYMENTS_SHOWN);
export const eventsFor = (deps: Deps, sessionId: string) => listRecentSessionEvents(deps.db, sessionId, EVENTS_SHOWN);

/** The form's first line suggests the seed document's order: Mouse Pads, if the catalog has them. */
export function defaultFormFor(products: { id: string }[]): OrderFormState {
  return emptyOrderForm(products.find((p) => p.id === "mouse-pad")?.id ?? products[0]?.id);
}

export interface TimelineView {
  order?: OrderJson;
  events: BusEvent[];
}

/** An order of another session reads as no order at all, exactly as the API's 404 does. */
export function timelineFor(deps: Deps, sessionId: string, orderId: string | undefined): TimelineView {
  const order = orderId ? findOrder(deps.db, sessionId, orderId) : undefined;
  return { order, events: order ? listOrderEvents(deps.db, sessionId, order.id) : [] };
}

export function dashboardViewFor(deps: Deps, sessionId: string, selectedOrderId?: string) {
  const products = productsFor(deps, sessionId);
  const orders = ordersFor(deps, sessionId);
  return {
    sessionId,
    products,
    form: defaultFormFor(products),
    stats: statsFor(deps, sessionId),
    orders,
    // Without a selection the newest order's saga is the one worth watching.
    timeline: timelineFor(deps, sessionId, selectedOrderId ?? orders[0]?.id),
    reservations: reservationsFor(deps, sessionId),
    payments: paymentsFor(deps, sessionId),
    events: eventsFor(deps, sessionId),
  };
}
export type DashboardView = ReturnType<typeof dashboardViewFor>;
