import { toIso } from "../../platform/clock";
import { centsToAmount } from "./payment-rules";
import type { PaymentRow } from "./payments.sql";

/** The wire form (snake_case, as SWAP's payment service answers). */
export function paymentToJson(row: PaymentRow) {
  return {
    id: row.id,
    order_id: row.orderId,
    amount: centsToAmount(row.amountCents),
    amount_cents: row.amountCents,
    status: row.status,
    failure_reason: row.failureReason,
    session_id: row.sessionId,
    version: row.version,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}
export type PaymentJson = ReturnType<typeof paymentToJson>;
