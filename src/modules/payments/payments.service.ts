import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../../platform/deps";
import type { Executor, Tx } from "../../platform/db";
import { type PaymentJson, paymentToJson } from "./payments.schemas";
import { type PaymentRow, payments } from "./payments.sql";

export function listPayments(db: Executor, sessionId: string, limit: number): PaymentJson[] {
  return db
    .select()
    .from(payments)
    .where(eq(payments.sessionId, sessionId))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(limit)
    .all()
    .map(paymentToJson);
}

export function findPayment(db: Executor, sessionId: string, orderId: string): PaymentRow | undefined {
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.sessionId, sessionId), eq(payments.orderId, orderId)))
    .get();
}

/** Opens the order's payment as PENDING, once: a second call returns the existing one. */
export function openPayment(
  tx: Tx,
  deps: Pick<Deps, "ids">,
  sessionId: string,
  orderId: string,
  amountCents: number,
  now: number,
): PaymentRow {
  tx.insert(payments)
    .values({ id: `txn_${deps.ids.uuid()}`, sessionId, orderId, amountCents, status: "PENDING", createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return findPayment(tx, sessionId, orderId) as PaymentRow;
}

/** Moves a payment from `from` to `to`; returns whether it moved. */
export function movePayment(
  tx: Tx,
  payment: PaymentRow,
  from: PaymentRow["status"],
  to: PaymentRow["status"],
  now: number,
  failureReason: string | null = null,
): boolean {
  const moved = tx
    .update(payments)
    .set({ status: to, failureReason, version: sql`${payments.version} + 1`, updatedAt: now })
    .where(and(eq(payments.sessionId, payment.sessionId), eq(payments.id, payment.id), eq(payments.status, from)))
    .returning({ id: payments.id })
    .get();
  return moved !== undefined;
}

export function resetPayments(deps: Deps, sessionId: string): void {
  deps.db.transaction((tx) => {
    tx.delete(payments).where(eq(payments.sessionId, sessionId)).run();
    deps.bus.forgetProcessed(tx, sessionId, "payments.");
  });
}
