/**
 * The saga's promises, checked against the database as it is. This is an auditor, not a
 * module: it cross-checks every module's rows, which it reads (read-only) through each
 * module's public audit queries and the bus's log. The randomized model test runs it after
 * every run, and `GET /consistency` runs it for the caller's session.
 *
 * A session may keep thousands of orders, and a request must not hold the event loop for long
 * (the server is shared), so the check reads and judges a session in slices: its stock, then
 * its orders AUDIT_SLICE at a time (each with the remains, on the bus, of reset sagas whose ids
 * fall in its range), then the log's orders past the last order AUDIT_SLICE at a time, then
 * what is held for orders that are gone. Each slice is
 * read in one synchronous step, so it is a consistent picture of the orders it covers; every
 * promise is about one order or about the stock as a whole, so no promise spans two slices.
 * `checkInvariantsInTurns` lets other work run between slices.
 *
 * What it cannot know from the rows alone it takes as options: the stock each session
 * started with (`initialStock`; without it the conservation law is not checked), whether the
 * bus has been drained (`settled`; otherwise an order still in flight is fine as long as a
 * delivery for it is scheduled), and which orders had their history cut by a single-module
 * reset (`historyCut`: the reset deliberately dropped the payment or reservation they would be
 * paired with).
 */
import { z } from "zod";
import type { BusQueries } from "../bus/bus.queries";
import type { SagaPayload } from "../modules/events";
import type { InventoryModule } from "../modules/inventory";
import { isFinal, type OrderRow, type OrdersModule } from "../modules/orders";
import type { PaymentsModule } from "../modules/payments";
import type { ShippingModule } from "../modules/shipping";
import { giveWay } from "../platform/give-way";
import { orderKey } from "../platform/session";
import { pairingCulprits, pairingEventTypes, stockCulprits, stockEventTypes } from "./culprits";

/** What the checker reads: the modules' audit views and the bus's log. */
export interface AuditSources {
  orders: Pick<OrdersModule["queries"], "auditSessions" | "auditOrders" | "existingOrderIds">;
  inventory: Pick<InventoryModule["queries"], "auditSessions" | "auditStock" | "auditReservations" | "pendingReservationOrders">;
  payments: Pick<PaymentsModule["queries"], "auditSessions" | "auditPayments" | "pendingPaymentOrders">;
  shipping: Pick<ShippingModule["queries"], "auditSessions" | "auditShipments">;
  bus: {
    queries: Pick<
      BusQueries<SagaPayload>,
      "ordersWithEvent" | "ordersInFlight" | "logOrderIds" | "eventsOfTypes" | "repeatedEvents" | "uncorrelatedEvents"
    >;
  };
}

/** Orders judged per slice: a slice takes a few milliseconds to read and judge. */
export const AUDIT_SLICE = 250;

export const invariantNames = [
  "stock_conserved",
  "reserved_within_stock",
  "reserved_matches_pending",
  "order_settles",
  "completed_pairing",
  "cancelled_holds_nothing",
  "finished_holds_nothing",
  "depleted_never_reserved",
  "nothing_held_for_missing_order",
  "refunded_order_cancelled",
  "shipment_pairing",
  "saga_progresses",
  "no_orphan_events",
  "charged_once",
] as const;
export type InvariantName = (typeof invariantNames)[number];

const violationSchema = z.object({
  invariant: z.enum(invariantNames),
  sessionId: z.string(),
  subject: z.string().describe("The product or order the violation is about"),
  message: z.string(),
  causedBy: z
    .array(z.number().int())
    .describe("The session's own event numbers (`seq`) of the events that caused it; empty where no event did, or none can be named"),
});
export type Violation = z.infer<typeof violationSchema>;

/** `GET /consistency`. */
export const consistencyReportSchema = z
  .object({ consistent: z.boolean(), violations: z.array(violationSchema) })
  .meta({ id: "ConsistencyReport", example: { consistent: true, violations: [] } });
export type ConsistencyReport = z.infer<typeof consistencyReportSchema>;

export interface InvariantOptions {
  /** Check one session only; all sessions when absent. */
  sessionId?: string;
  /**
   * Per session, per product: the stock the session's catalog was seeded with, plus the units
   * already confirmed at that moment. Then `stock_level + Σ confirmed = initial` must hold,
   * where a confirmed reservation put back on the shelf (restocked) counts as never taken.
   */
  initialStock?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** The bus has been drained: every order must be COMPLETED or CANCELLED. */
  settled?: boolean;
  /** `orderKey(sessionId, orderId)` of orders whose pairing a single-module reset broke on purpose. */
  historyCut?: ReadonlySet<string>;
}

/** The whole check at once, without giving way: for tests, and callers that are not serving requests. */
export function checkInvariants(sources: AuditSources, options: InvariantOptions = {}): ConsistencyReport {
  const slices = invariantSlices(sources, options);
  for (let step = slices.next(); ; step = slices.next()) if (step.done) return step.value;
}

/** The whole check, letting other requests and the relay run between slices (`GET /consistency`). */
export async function checkInvariantsInTurns(sources: AuditSources, options: InvariantOptions = {}): Promise<ConsistencyReport> {
  const slices = invariantSlices(sources, options);
  for (let step = slices.next(); ; step = slices.next()) {
    if (step.done) return step.value;
    await giveWay();
  }
}

/** The check as a sequence of slices; it yields between them, and returns the report. */
function* invariantSlices(sources: AuditSources, options: InvariantOptions): Generator<void, ConsistencyReport> {
  const sessions =
    options.sessionId !== undefined
      ? [options.sessionId]
      : [
          ...new Set([
            ...sources.orders.auditSessions(),
            ...sources.inventory.auditSessions(),
            ...sources.payments.auditSessions(),
            ...sources.shipping.auditSessions(),
            ...(options.initialStock?.keys() ?? []),
          ]),
        ].sort();
  const violations: Violation[] = [];
  for (const sessionId of sessions) {
    const audit = sessionAudit(sources, sessionId, options, violations);
    audit.checkStock();
    yield;
    let after = "";
    for (;;) {
      const slice = sources.orders.auditOrders(sessionId, after, AUDIT_SLICE);
      audit.checkOrders(slice);
      const last = slice.at(-1)?.id;
      if (last !== undefined) {
        // Read in the same step as the slice: every order of the log in its range that is not in it is gone.
        const present = new Set(slice.map((order) => order.id));
        audit.checkRemainsOfResetSagas(sources.bus.queries.logOrderIds(sessionId, after, last).filter((id) => !present.has(id)));
        after = last;
      }
      if (slice.length < AUDIT_SLICE) break;
      yield;
    }
    for (;;) {
      const ids = sources.bus.queries.logOrderIds(sessionId, after, undefined, AUDIT_SLICE);
      const present = new Set(sources.orders.existingOrderIds(sessionId, ids));
      audit.checkRemainsOfResetSagas(ids.filter((id) => !present.has(id)));
      if (ids.length < AUDIT_SLICE) break;
      after = ids.at(-1) ?? after;
      yield;
    }
    audit.checkHoldingsOfMissingOrders();
    audit.checkUncorrelatedEvents();
    yield;
  }
  return { consistent: violations.length === 0, violations };
}

/** The three kinds of slice of one session's check; each reads what it judges in one step. */
function sessionAudit(sources: AuditSources, sessionId: string, options: InvariantOptions, violations: Violation[]) {
  const { initialStock, settled = false, historyCut = new Set<string>() } = options;
  const report = (invariant: InvariantName, subject: string, message: string, causedBy: readonly number[] = []) =>
    violations.push({ invariant, sessionId, subject, message, causedBy: [...causedBy] });
  /** The inventory events of the whole session, read once and only if some product's stock is wrong. */
  let stockEvents: ReturnType<AuditSources["bus"]["queries"]["eventsOfTypes"]> | undefined;
  const stockCulpritsOf = (productId: string) => {
    stockEvents ??= sources.bus.queries.eventsOfTypes(sessionId, stockEventTypes);
    return stockCulprits(productId, stockEvents);
  };

  /** The catalog as a whole: reserved units match PENDING reservations; stock is conserved. */
  function checkStock(): void {
    const stock = sources.inventory.auditStock(sessionId);
    for (const { product: p, pendingUnits } of stock) {
      if (p.reserved < 0 || p.reserved > p.stockLevel) {
        report("reserved_within_stock", p.id, `reserved ${p.reserved} is outside 0..stock_level ${p.stockLevel}`);
      }
      if (p.reserved !== pendingUnits) {
        report("reserved_matches_pending", p.id, `reserved ${p.reserved} but PENDING reservations hold ${pendingUnits}`);
      }
    }
    const initial = initialStock?.get(sessionId);
    if (!initial) {
      // Live: what each product was seeded with (plus what was sold before the seed) is what it
      // has now plus what it sold since, a unit put back counting as never sold.
      for (const { product: p, takenUnits } of stock) {
        if (p.seededUnits === null || p.stockLevel + takenUnits === p.seededUnits) continue;
        const message = `stock_level ${p.stockLevel} + sold ${takenUnits} ≠ seeded ${p.seededUnits}`;
        report("stock_conserved", p.id, message, stockCulpritsOf(p.id));
      }
      return;
    }
    // Units of a cancelled completed order went back on the shelf: they count as never taken.
    const present = new Map(stock.map((s) => [s.product.id, s]));
    for (const [productId, units] of initial) {
      const row = present.get(productId);
      if (!row) report("stock_conserved", productId, `product is missing (expected ${units} units in total)`);
      else if (row.product.stockLevel + row.takenUnits !== units) {
        const message = `stock_level ${row.product.stockLevel} + confirmed ${row.takenUnits} ≠ initial ${units}`;
        report("stock_conserved", productId, message, stockCulpritsOf(productId));
      }
    }
    for (const productId of present.keys()) {
      if (!initial.has(productId)) report("stock_conserved", productId, "product exists that was never seeded");
    }
  }

  /** Each order of a slice against its reservation, its payment and its saga's progress on the bus. */
  function checkOrders(slice: readonly OrderRow[]): void {
    const orderIds = slice.map((order) => order.id);
    const reservationByOrder = new Map(sources.inventory.auditReservations(sessionId, orderIds).map((r) => [r.orderId, r]));
    const paymentByOrder = new Map(sources.payments.auditPayments(sessionId, orderIds).map((p) => [p.orderId, p]));
    const shipmentByOrder = new Map(sources.shipping.auditShipments(sessionId, orderIds).map((s) => [s.orderId, s]));
    const reservedEventOrders = new Set(sources.bus.queries.ordersWithEvent("INVENTORY_RESERVED", sessionId, orderIds));
    const ordersInFlight = new Set(sources.bus.queries.ordersInFlight(sessionId, orderIds));
    // Two successful charges for one order: one grouped read per slice, answering nothing for a consistent session.
    for (const { orderId, seqs } of sources.bus.queries.repeatedEvents("PAYMENT_SUCCESS", sessionId, orderIds)) {
      report("charged_once", orderId, `the order was charged ${seqs.length} times (PAYMENT_SUCCESS)`, seqs);
    }
    for (const order of slice) {
      const reservation = reservationByOrder.get(order.id);
      const payment = paymentByOrder.get(order.id);
      const inFlight = ordersInFlight.has(order.id);
      const terminal = isFinal(order.status);
      if (!terminal && (settled || !inFlight)) {
        report(
          "order_settles",
          order.id,
          `order is ${order.status}${settled ? " after the bus drained" : " with nothing scheduled to move it on"}`,
        );
      }
      // A saga being undone (a cancel asked for, or an expiry) passes through states where the
      // order, its stock and its money do not match yet: a completed order restocked before its
      // refund, a cancelled order whose late charge is still being refunded. While its
      // compensation is on its way, the pairing rules wait for it; once nothing is scheduled they hold.
      const beingUndone = (order.cancellationRequestedBy !== null || order.cancellationSource === "timeout") && !settled && inFlight;
      if (terminal && !historyCut.has(orderKey(sessionId, order.id)) && !beingUndone) {
        const completed = order.status === "COMPLETED";
        const paid = payment?.status === "SUCCESS";
        // A cancelled completed order keeps its CONFIRMED reservation, restocked.
        const confirmed = reservation?.status === "CONFIRMED" && reservation.restockedAt === null;
        if (completed !== paid || completed !== confirmed) {
          report(
            "completed_pairing",
            order.id,
            `order ${order.status}, payment ${payment?.status ?? "none"}, reservation ${reservation?.status ?? "none"}${reservation?.restockedAt ? " (restocked)" : ""}`,
            pairingCulprits(sources.bus.queries.eventsOfTypes(sessionId, pairingEventTypes, [order.id])),
          );
        }
      }
      // A cancel the server accepted (the customer was answered 200) must end with the order cancelled and refunded.
      if (order.status === "COMPLETED" && order.cancellationRequestedBy !== null && (settled || !inFlight)) {
        report(
          "order_settles",
          order.id,
          `a cancel was accepted (${order.cancellationRequestedBy}) but the order is still COMPLETED with nothing scheduled to finish it; payment ${payment?.status ?? "none"}`,
        );
      }
      if (payment?.status === "REFUNDED" && order.status !== "CANCELLED" && (settled || !inFlight)) {
        report("refunded_order_cancelled", order.id, `payment was refunded but the order is ${order.status}`);
      }
      if (order.status === "CANCELLED" && !beingUndone && (reservation?.status === "PENDING" || payment?.status === "SUCCESS")) {
        report(
          "cancelled_holds_nothing",
          order.id,
          `cancelled order still has reservation ${reservation?.status} and payment ${payment?.status}`,
        );
      }
      if (terminal && (reservation?.status === "PENDING" || payment?.status === "PENDING") && (settled || !inFlight)) {
        // Nothing will ever settle them: the saga that would have is over. (A cancelled order's
        // waiting charge is voided by a delivery of ORDER_CANCELLED, which may still be on its way.)
        report(
          "finished_holds_nothing",
          order.id,
          `${order.status} order still has reservation ${reservation?.status} and payment ${payment?.status}`,
        );
      }
      // The shipment step, for the orders placed with it: a sale is shipped, a cancelled order keeps
      // no parcel on its way (called back once its compensation has run), and only such orders are shipped.
      const shipment = shipmentByOrder.get(order.id);
      const withStep = order.shippingBehaviour !== null;
      if (!withStep && shipment) {
        report("shipment_pairing", order.id, `order placed without the shipment step has a shipment, ${shipment.status}`);
      }
      if (withStep && order.status === "COMPLETED" && !beingUndone && shipment?.status !== "CREATED") {
        report("shipment_pairing", order.id, `order COMPLETED with the shipment step, shipment ${shipment?.status ?? "none"}`);
      }
      if (order.status === "CANCELLED" && shipment?.status === "CREATED" && !beingUndone && (settled || !inFlight)) {
        report("shipment_pairing", order.id, "cancelled order still has a CREATED shipment");
      }
      // A reservation that holds no lines closed the books of an order cancelled before any stock was reserved.
      if (order.cancellationSource === "inventory_depleted" && (reservation?.holdsLines || reservedEventOrders.has(order.id))) {
        report("depleted_never_reserved", order.id, "cancelled as inventory_depleted but stock was reserved for it");
      }
    }
  }

  /**
   * What is left on the bus of sagas an orders reset cut short: their orders are gone, and their
   * log holds only what the reset emitted (ORDER_CANCELLED) and what followed. A saga the reset
   * cancelled keeps no money and no sold stock once its compensation has run: a customer whose
   * cancel raced the reset was told it would be undone. (A completed sale no one cancelled
   * leaves nothing on the bus, so its payment is not looked at here.)
   */
  function checkRemainsOfResetSagas(goneOrderIds: readonly string[]): void {
    if (goneOrderIds.length === 0) return;
    // A reset drops a saga's whole history, its ORDER_CREATED first of all: one still in the log
    // for an order that does not exist is an event whose order never existed (a dual write).
    for (const created of sources.bus.queries.eventsOfTypes(sessionId, ["ORDER_CREATED"], goneOrderIds)) {
      report("no_orphan_events", created.orderId, "ORDER_CREATED is on the bus but its order was never committed", [created.seq]);
    }
    const cancelled = sources.bus.queries.ordersWithEvent("ORDER_CANCELLED", sessionId, goneOrderIds);
    if (cancelled.length === 0) return;
    const inFlight = new Set(sources.bus.queries.ordersInFlight(sessionId, cancelled));
    const paymentByOrder = new Map(sources.payments.auditPayments(sessionId, cancelled).map((p) => [p.orderId, p]));
    const reservationByOrder = new Map(sources.inventory.auditReservations(sessionId, cancelled).map((r) => [r.orderId, r]));
    const shipmentByOrder = new Map(sources.shipping.auditShipments(sessionId, cancelled).map((s) => [s.orderId, s]));
    for (const orderId of cancelled) {
      if (!settled && inFlight.has(orderId)) continue;
      if (shipmentByOrder.get(orderId)?.status === "CREATED") {
        report("shipment_pairing", orderId, "an orders reset cancelled this saga, and its shipment is still CREATED");
      }
      if (paymentByOrder.get(orderId)?.status === "SUCCESS") {
        report("cancelled_holds_nothing", orderId, "an orders reset cancelled this saga, and its payment is still SUCCESS");
      }
      const reservation = reservationByOrder.get(orderId);
      if (reservation?.status === "CONFIRMED" && reservation.restockedAt === null) {
        report(
          "cancelled_holds_nothing",
          orderId,
          "an orders reset cancelled this saga, and its stock is still sold (CONFIRMED, not put back)",
        );
      }
    }
  }

  /**
   * A saga waits for a reply nobody will send: an event that names no order reached the
   * reactions, and none could correlate it with the saga that caused it (that saga goes on only
   * when its deadline fires). Said of the order its cause belongs to, naming the event.
   */
  function checkUncorrelatedEvents(): void {
    for (const { seq, type, causeOrderId } of sources.bus.queries.uncorrelatedEvents(sessionId)) {
      const message = `${type} #${seq} names no order, so no reaction could correlate it: only its deadline can end the saga`;
      report("saga_progresses", causeOrderId ?? `#${seq}`, message, [seq]);
    }
  }

  /** Stock or money held for an order that no longer exists (its orders were reset) is held forever. */
  function checkHoldingsOfMissingOrders(): void {
    const heldStock = sources.inventory.pendingReservationOrders(sessionId);
    // A SUCCESS payment whose order an orders reset removed is, from the rows alone, the same
    // as a completed sale's: the reset drops the order and its history, not the payments. The
    // saga the reset cancelled is the exception, and checkRemainsOfResetSagas judges it.
    const heldMoney = sources.payments.pendingPaymentOrders(sessionId);
    const holders = [...new Set([...heldStock, ...heldMoney])];
    const existing = new Set(sources.orders.existingOrderIds(sessionId, holders));
    const missing = holders.filter((orderId) => !existing.has(orderId));
    const inFlight = new Set(sources.bus.queries.ordersInFlight(sessionId, missing));
    const stranded = (orderId: string) => !existing.has(orderId) && (settled || !inFlight.has(orderId));
    for (const orderId of heldStock.filter(stranded)) {
      report("nothing_held_for_missing_order", orderId, "a PENDING reservation belongs to an order that no longer exists");
    }
    for (const orderId of heldMoney.filter(stranded)) {
      report("nothing_held_for_missing_order", orderId, "a PENDING payment belongs to an order that no longer exists");
    }
  }

  return { checkStock, checkOrders, checkRemainsOfResetSagas, checkHoldingsOfMissingOrders, checkUncorrelatedEvents };
}
