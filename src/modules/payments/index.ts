/**
 * Payments: owns `payments`. Listens to INVENTORY_RESERVED (opens a PENDING payment at once,
 * then after the payment demo delay charges the amount inventory priced: emits PAYMENT_SUCCESS
 * or PAYMENT_FAILED) and to INVENTORY_FAILED at the confirm stage (refunds: emits
 * PAYMENT_REFUNDED). One payment per order, id `txn_…`.
 */
import type { Deps } from "../../platform/deps";
import { paymentReactions } from "./payments.reactions";
import { paymentsRoutes } from "./payments.routes";

export function installPayments(deps: Deps) {
  for (const reaction of paymentReactions(deps)) deps.bus.subscribe(reaction);
  return paymentsRoutes(deps);
}
