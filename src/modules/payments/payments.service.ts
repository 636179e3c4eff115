import { desc, eq } from "drizzle-orm";
import { transaction } from "../../platform/db";
import type { ModuleDeps } from "../module-deps";
import type { PaymentState } from "./payments.decide";
import { type PaymentJson, paymentToJson } from "./payments.schemas";
import { type PaymentRow, type PaymentStatus, type PaymentsStatements, payments } from "./payments.sql";

/** Payments' commands and queries; the routes, the reactions and (through index.ts) the dashboard call these. */
export function paymentsService(deps: ModuleDeps, statements: PaymentsStatements) {
  const { db } = deps;
  return {
    listPayments(sessionId: string, limit: number): PaymentJson[] {
      return db
        .select()
        .from(payments)
        .where(eq(payments.sessionId, sessionId))
        .orderBy(desc(payments.createdAt), desc(payments.id))
        .limit(limit)
        .all()
        .map(paymentToJson);
    },

    paymentState(sessionId: string, orderId: string): PaymentState {
      const payment = statements.paymentOfOrder.get({ sessionId, orderId });
      return payment ? { id: payment.id, status: payment.status, amountCents: payment.amountCents } : undefined;
    },

    openPayment(sessionId: string, orderId: string, paymentId: string, amountCents: number, now: number): void {
      statements.open.run({ id: paymentId, sessionId, orderId, amountCents, now });
    },

    /** Moves a payment from `from` to `to`; the decision was taken on `from`, so not moving means the books are broken. */
    movePayment(sessionId: string, id: string, from: PaymentStatus, to: PaymentStatus, failureReason: string | null, now: number): void {
      const moved = statements.move.get({ sessionId, id, from, to, failureReason, now });
      if (!moved) throw new Error(`Payment ${id} could not move from ${from} to ${to}`);
    },

    /**
     * `POST /payments/reset`: drops the session's payments. The relay's record of what it
     * delivered (its cursor and schedule) is not touched, so a duplicate delivery arriving after
     * the reset is still recognised (docs/architecture.md).
     */
    resetPayments(sessionId: string): void {
      transaction(db, () => db.delete(payments).where(eq(payments.sessionId, sessionId)).run());
      deps.changes.announce(sessionId, "PAYMENTS_RESET");
    },

    /** Every payment of one session (all when absent), for the consistency checker. */
    auditRows(sessionId?: string): PaymentRow[] {
      return db
        .select()
        .from(payments)
        .where(sessionId === undefined ? undefined : eq(payments.sessionId, sessionId))
        .all();
    },
  };
}
export type PaymentsService = ReturnType<typeof paymentsService>;
