import { and, desc, eq, inArray } from "drizzle-orm";
import { deleteSessionRows, lastChangePerSession, transaction } from "../../platform/db";
import { pastPosition } from "../../platform/paging";
import type { ModuleDeps } from "../module-deps";
import { outlivesItsOrder, type PaymentState } from "./payments.decide";
import { type PaymentJson, paymentToJson } from "./payments.schemas";
import { type PaymentRow, type PaymentStatus, type PaymentsStatements, payments } from "./payments.sql";

/** The tables that keep a session's rows. */
const sessionTables = ["payments"] as const;

/** Payments' commands and queries; the routes, the reactions and (through index.ts) the dashboard call these. */
export function paymentsService(deps: ModuleDeps, statements: PaymentsStatements) {
  const { db } = deps;

  /** Newest first, after `after` (the last payment of the previous page), at most `limit`; and where the next page starts. */
  function listPaymentsPage(sessionId: string, limit: number, after?: readonly [number, string]) {
    const rows = db
      .select()
      .from(payments)
      .where(and(eq(payments.sessionId, sessionId), pastPosition(payments.createdAt, payments.id, after, "desc")))
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next: readonly [number, string] | undefined = rows.length > limit && last ? [last.createdAt, last.id] : undefined;
    return { payments: page.map(paymentToJson), next };
  }

  return {
    listPayments(sessionId: string, limit: number): PaymentJson[] {
      return listPaymentsPage(sessionId, limit).payments;
    },

    listPaymentsPage,

    paymentState(sessionId: string, orderId: string): PaymentState {
      const payment = statements.paymentOfOrder.get({ sessionId, orderId });
      return payment ? { id: payment.id, status: payment.status, amountCents: payment.amountCents } : undefined;
    },

    /** How many payments the session keeps (what a call may add to is bounded by the orders quota). */
    paymentCount(sessionId: string): number {
      return statements.paymentCount.get({ sessionId })?.count ?? 0;
    },

    openPayment(sessionId: string, orderId: string, paymentId: string, amountCents: number, now: number): void {
      statements.open.run({ id: paymentId, sessionId, orderId, amountCents, now });
    },

    /** Moves a payment from `from` to `to`; the decision was taken on `from`, so not moving means the books are broken. */
    movePayment(sessionId: string, id: string, from: PaymentStatus, to: PaymentStatus, failureReason: string | null, now: number): void {
      const moved = statements.move.get({ sessionId, id, from, to, failureReason, now });
      if (!moved) throw new Error(`Payment ${id} could not move from ${from} to ${to}`);
    },

    /** The orders this module keeps payments of (what an orders reset may have left behind). */
    keptOrderIds(sessionId: string): string[] {
      return db
        .select({ orderId: payments.orderId })
        .from(payments)
        .where(eq(payments.sessionId, sessionId))
        .all()
        .map((row) => row.orderId);
    },

    /**
     * After an orders reset: the payments of these orders, gone and with nothing ahead on the
     * bus, dropped unless they still hold money (inside the caller's transaction; see
     * `outlivesItsOrder`).
     */
    forgetOrders(sessionId: string, orderIds: readonly string[]): void {
      if (orderIds.length === 0) return;
      const ofOrders = and(eq(payments.sessionId, sessionId), inArray(payments.orderId, [...orderIds]));
      const forgotten = db
        .select({ id: payments.id, orderId: payments.orderId, status: payments.status })
        .from(payments)
        .where(ofOrders)
        .all()
        .filter(
          (payment) =>
            !outlivesItsOrder(payment.status, () => deps.bus.queries.orderHasEventOf(sessionId, payment.orderId, ["ORDER_CANCELLED"])),
        )
        .map((payment) => payment.id);
      if (forgotten.length > 0)
        db.delete(payments)
          .where(and(ofOrders, inArray(payments.id, forgotten)))
          .run();
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,
    /** Who keeps rows here and when they last changed. */
    sessionActivity: () => lastChangePerSession(db, [["payments", "updated_at"]]),

    /**
     * `POST /payments/reset`: drops the session's payments. The relay's record of what it
     * delivered (its cursor and schedule) is not touched, so a duplicate delivery arriving after
     * the reset is still recognised (docs/architecture.md).
     */
    resetPayments(sessionId: string): void {
      transaction(db, () => db.delete(payments).where(eq(payments.sessionId, sessionId)).run());
      deps.changes.announce(sessionId, "PAYMENTS_RESET");
    },

    /** The sessions that keep payments (for the consistency checker run over every session). */
    auditSessions(): string[] {
      return db
        .selectDistinct({ sessionId: payments.sessionId })
        .from(payments)
        .all()
        .map((row) => row.sessionId);
    },

    /** The payments of a slice of a session's orders, for the consistency checker. */
    auditPayments(sessionId: string, orderIds: readonly string[]): PaymentRow[] {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(payments)
        .where(and(eq(payments.sessionId, sessionId), inArray(payments.orderId, [...orderIds])))
        .all();
    },

    /** The orders whose payment still waits (PENDING): money held until a saga settles it. */
    pendingPaymentOrders(sessionId: string): string[] {
      return db
        .select({ orderId: payments.orderId })
        .from(payments)
        .where(and(eq(payments.sessionId, sessionId), eq(payments.status, "PENDING")))
        .all()
        .map((row) => row.orderId);
    },
  };
}
export type PaymentsService = ReturnType<typeof paymentsService>;
