/**
 * The saga's promises, checked against the database as it is. This is an auditor, not a
 * module: it cross-checks every module's rows, which it reads (read-only) through each
 * module's public `queries.auditRows` and the bus's log. The randomized model test runs it
 * after every run, and `GET /consistency` runs it for the caller's session.
 *
 * What it cannot know from the rows alone it takes as options: the stock each session
 * started with (`initialStock`; without it the conservation law is not checked), whether the
 * bus has been drained (`settled`; otherwise an order still in flight is fine as long as a
 * delivery for it is scheduled), and which orders had their history cut by a single-module
 * reset (`historyCut`: the reset deliberately dropped the payment or reservation they would be
 * paired with).
 */
import type { InventoryModule } from "../modules/inventory";
import type { OrdersModule } from "../modules/orders";
import type { PaymentsModule } from "../modules/payments";
import type { SagaBus } from "../modules/events";

/** What the checker reads: the modules' audit views and the bus's log. */
export interface AuditSources {
  orders: Pick<OrdersModule["queries"], "auditRows">;
  inventory: Pick<InventoryModule["queries"], "auditRows">;
  payments: Pick<PaymentsModule["queries"], "auditRows">;
  bus: Pick<SagaBus, "ordersWithEvent" | "ordersInFlight">;
}

export type InvariantName =
  | "stock_conserved"
  | "reserved_within_stock"
  | "reserved_matches_pending"
  | "order_settles"
  | "completed_pairing"
  | "cancelled_holds_nothing"
  | "finished_holds_nothing"
  | "depleted_never_reserved"
  | "nothing_held_for_missing_order"
  | "refunded_order_cancelled";

export interface Violation {
  invariant: InvariantName;
  sessionId: string;
  /** The product or order the violation is about. */
  subject: string;
  message: string;
}

export interface ConsistencyReport {
  consistent: boolean;
  violations: Violation[];
}

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
  /** `${sessionId} ${orderId}` of orders whose pairing a single-module reset broke on purpose. */
  historyCut?: ReadonlySet<string>;
}

export const orderKey = (sessionId: string, orderId: string) => `${sessionId} ${orderId}`;

export function checkInvariants(sources: AuditSources, options: InvariantOptions = {}): ConsistencyReport {
  const { sessionId, initialStock, settled = false, historyCut = new Set<string>() } = options;

  const { products: productRows, reservations: reservationRows, reservationLines: lineRows } = sources.inventory.auditRows(sessionId);
  const orderRows = sources.orders.auditRows(sessionId);
  const paymentRows = sources.payments.auditRows(sessionId);
  const reservedEventOrders = new Set(
    sources.bus.ordersWithEvent("INVENTORY_RESERVED", sessionId).map((e) => orderKey(e.sessionId, e.orderId)),
  );
  const ordersInFlight = new Set(sources.bus.ordersInFlight(sessionId).map((e) => orderKey(e.sessionId, e.orderId)));

  const violations: Violation[] = [];
  const report = (invariant: InvariantName, session: string, subject: string, message: string) =>
    violations.push({ invariant, sessionId: session, subject, message });

  const reservationByKey = new Map(reservationRows.map((r) => [`${r.sessionId} ${r.id}`, r]));
  const reservationsWithLines = new Set(lineRows.map((line) => `${line.sessionId} ${line.reservationId}`));
  const pendingByProduct = new Map<string, number>();
  const confirmedByProduct = new Map<string, number>();
  for (const line of lineRows) {
    const reservation = reservationByKey.get(`${line.sessionId} ${line.reservationId}`);
    const status = reservation?.status;
    // Units of a cancelled completed order went back on the shelf: they count as never taken.
    const taken = status === "CONFIRMED" && reservation?.restockedAt === null;
    const tally = status === "PENDING" ? pendingByProduct : taken ? confirmedByProduct : undefined;
    const key = `${line.sessionId} ${line.productId}`;
    tally?.set(key, (tally.get(key) ?? 0) + line.quantity);
  }

  for (const p of productRows) {
    const key = `${p.sessionId} ${p.id}`;
    if (p.reserved < 0 || p.reserved > p.stockLevel) {
      report("reserved_within_stock", p.sessionId, p.id, `reserved ${p.reserved} is outside 0..stock_level ${p.stockLevel}`);
    }
    const pending = pendingByProduct.get(key) ?? 0;
    if (p.reserved !== pending) {
      report("reserved_matches_pending", p.sessionId, p.id, `reserved ${p.reserved} but PENDING reservations hold ${pending}`);
    }
  }

  if (initialStock) {
    for (const [session, stock] of initialStock) {
      if (sessionId !== undefined && session !== sessionId) continue;
      const present = new Map(productRows.filter((p) => p.sessionId === session).map((p) => [p.id, p]));
      for (const [productId, initial] of stock) {
        const row = present.get(productId);
        const confirmed = confirmedByProduct.get(`${session} ${productId}`) ?? 0;
        if (!row) report("stock_conserved", session, productId, `product is missing (expected ${initial} units in total)`);
        else if (row.stockLevel + confirmed !== initial) {
          report("stock_conserved", session, productId, `stock_level ${row.stockLevel} + confirmed ${confirmed} ≠ initial ${initial}`);
        }
      }
      for (const productId of present.keys()) {
        if (!stock.has(productId)) report("stock_conserved", session, productId, "product exists that was never seeded");
      }
    }
  }

  const reservationByOrder = new Map(reservationRows.map((r) => [orderKey(r.sessionId, r.orderId), r]));
  const paymentByOrder = new Map(paymentRows.map((p) => [orderKey(p.sessionId, p.orderId), p]));
  const orderKeys = new Set<string>();
  for (const order of orderRows) {
    const key = orderKey(order.sessionId, order.id);
    orderKeys.add(key);
    const reservation = reservationByOrder.get(key);
    const payment = paymentByOrder.get(key);
    const terminal = order.status === "COMPLETED" || order.status === "CANCELLED";
    if (!terminal && (settled || !ordersInFlight.has(key))) {
      report(
        "order_settles",
        order.sessionId,
        order.id,
        `order is ${order.status}${settled ? " after the bus drained" : " with nothing scheduled to move it on"}`,
      );
    }
    // A saga being undone (a cancel asked for, or an expiry) passes through states where the
    // order, its stock and its money do not match yet: a completed order restocked before its
    // refund, a cancelled order whose late charge is still being refunded. While its
    // compensation is on its way, the pairing rules wait for it; once nothing is scheduled they hold.
    const beingUndone =
      (order.cancellationRequestedBy !== null || order.cancellationSource === "timeout") && !settled && ordersInFlight.has(key);
    if (terminal && !historyCut.has(key) && !beingUndone) {
      const completed = order.status === "COMPLETED";
      const paid = payment?.status === "SUCCESS";
      // A cancelled completed order keeps its CONFIRMED reservation, restocked.
      const confirmed = reservation?.status === "CONFIRMED" && reservation.restockedAt === null;
      if (completed !== paid || completed !== confirmed) {
        report(
          "completed_pairing",
          order.sessionId,
          order.id,
          `order ${order.status}, payment ${payment?.status ?? "none"}, reservation ${reservation?.status ?? "none"}${reservation?.restockedAt ? " (restocked)" : ""}`,
        );
      }
    }
    if (payment?.status === "REFUNDED" && order.status !== "CANCELLED" && (settled || !ordersInFlight.has(key))) {
      report("refunded_order_cancelled", order.sessionId, order.id, `payment was refunded but the order is ${order.status}`);
    }
    if (order.status === "CANCELLED" && !beingUndone && (reservation?.status === "PENDING" || payment?.status === "SUCCESS")) {
      report(
        "cancelled_holds_nothing",
        order.sessionId,
        order.id,
        `cancelled order still has reservation ${reservation?.status} and payment ${payment?.status}`,
      );
    }
    if (terminal && (reservation?.status === "PENDING" || payment?.status === "PENDING") && (settled || !ordersInFlight.has(key))) {
      // Nothing will ever settle them: the saga that would have is over. (A cancelled order's
      // waiting charge is voided by a delivery of ORDER_CANCELLED, which may still be on its way.)
      report(
        "finished_holds_nothing",
        order.sessionId,
        order.id,
        `${order.status} order still has reservation ${reservation?.status} and payment ${payment?.status}`,
      );
    }
    // A reservation that holds no lines closed the books of an order cancelled before any stock was reserved.
    const heldStock = reservation !== undefined && reservationsWithLines.has(`${reservation.sessionId} ${reservation.id}`);
    if (order.cancellationSource === "inventory_depleted" && (heldStock || reservedEventOrders.has(key))) {
      report("depleted_never_reserved", order.sessionId, order.id, "cancelled as inventory_depleted but stock was reserved for it");
    }
  }

  // Stock or money held for an order that no longer exists (its orders were reset) is held forever.
  for (const reservation of reservationRows) {
    const key = orderKey(reservation.sessionId, reservation.orderId);
    if (reservation.status === "PENDING" && !orderKeys.has(key) && (settled || !ordersInFlight.has(key))) {
      report(
        "nothing_held_for_missing_order",
        reservation.sessionId,
        reservation.orderId,
        "a PENDING reservation belongs to an order that no longer exists",
      );
    }
  }
  for (const payment of paymentRows) {
    const key = orderKey(payment.sessionId, payment.orderId);
    // A SUCCESS payment whose order an orders reset removed is, from the rows alone, the same
    // as a completed sale's: the reset drops the order and its history, not the payments. That
    // no reset strands a charge is kept by the saga itself (a cancelled order's charge is
    // refunded) and tested in tests/integration/regressions/resets-never-strand-money.test.ts.
    if (payment.status === "PENDING" && !orderKeys.has(key) && (settled || !ordersInFlight.has(key))) {
      report(
        "nothing_held_for_missing_order",
        payment.sessionId,
        payment.orderId,
        "a PENDING payment belongs to an order that no longer exists",
      );
    }
  }

  return { consistent: violations.length === 0, violations };
}
