import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../../platform/deps";
import type { Executor, Tx } from "../../platform/db";
import { perConnection } from "../../platform/prepared";
import { type PaymentJson, paymentToJson } from "./payments.schemas";
import { type PaymentRow, payments } from "./payments.sql";

const p = sql.placeholder;

/** The queries every order runs, compiled once per connection (see platform/prepared.ts). */
const statements = perConnection((db) => ({
  paymentOfOrder: db
    .select()
    .from(payments)
    .where(and(eq(payments.sessionId, p("sessionId")), eq(payments.orderId, p("orderId"))))
    .prepare(),
  open: db
    .insert(payments)
    .values({
      id: p("id"),
      sessionId: p("sessionId"),
      orderId: p("orderId"),
      amountCents: p("amountCents"),
      status: "PENDING",
      createdAt: p("now"),
      updatedAt: p("now"),
    })
    .onConflictDoNothing()
    .prepare(),
  move: db
    .update(payments)
    .set({
      status: sql`${p("to")}`,
      failureReason: sql`${p("failureReason")}`,
      version: sql`${payments.version} + 1`,
      updatedAt: sql`${p("now")}`,
    })
    .where(and(eq(payments.sessionId, p("sessionId")), eq(payments.id, p("id")), eq(payments.status, p("from"))))
    .returning({ id: payments.id })
    .prepare(),
}));

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
  return statements(db).paymentOfOrder.get({ sessionId, orderId });
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
  statements(tx).open.run({ id: `txn_${deps.ids.uuid()}`, sessionId, orderId, amountCents, now });
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
  const moved = statements(tx).move.get({ sessionId: payment.sessionId, id: payment.id, from, to, failureReason, now });
  return moved !== undefined;
}

export function resetPayments(deps: Deps, sessionId: string): void {
  deps.db.transaction((tx) => {
    tx.delete(payments).where(eq(payments.sessionId, sessionId)).run();
    deps.bus.forgetProcessed(tx, sessionId, "payments.");
  });
}
