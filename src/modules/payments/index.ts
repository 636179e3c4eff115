/**
 * Payments: owns `payments`. Listens to INVENTORY_RESERVED (opens a PENDING payment at once,
 * then after the payment demo delay charges the amount inventory priced: emits PAYMENT_SUCCESS
 * or PAYMENT_FAILED), to INVENTORY_FAILED at the confirm stage and INVENTORY_RELEASED after a
 * charge (refunds: emits PAYMENT_REFUNDED), and to ORDER_CANCELLED (voids a charge still
 * waiting). One payment per order, id `txn_…`. Also a remote service (payments.rpc.ts): Charge and
 * Refund, the same rules, called; they emit nothing.
 */
import type { ModuleDeps } from "../module-deps";
import { paymentReactions } from "./payments.reactions";
import { paymentsRoutes } from "./payments.routes";
import { paymentsRpc } from "./payments.rpc";
import { paymentsService } from "./payments.service";
import { paymentsStatements } from "./payments.sql";

export type { PaymentJson } from "./payments.schemas";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function paymentsModule(deps: ModuleDeps) {
  const service = paymentsService(deps, paymentsStatements(deps.db.$client));
  return {
    name: "payments",
    reactions: paymentReactions(deps, service),
    routes: paymentsRoutes(service),
    /** PaymentService (proto/payments/v1), which the rpc saga style calls: the composition root serves it. */
    rpc: paymentsRpc(deps, service),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      listPayments: service.listPayments,
      listPaymentsPage: service.listPaymentsPage,
      auditSessions: service.auditSessions,
      auditPayments: service.auditPayments,
      pendingPaymentOrders: service.pendingPaymentOrders,
    },
    commands: {
      /** `POST /payments/reset`, as the dashboard's Resets offer it too. */
      resetPayments: service.resetPayments,
      keptOrderIds: service.keptOrderIds,
      forgetOrders: service.forgetOrders,
      forgetSession: service.forgetSession,
      sessionTables: service.sessionTables,
      sessionActivity: service.sessionActivity,
    },
  };
}
export type PaymentsModule = ReturnType<typeof paymentsModule>;
