import { z } from "zod";
import { toIso } from "../../platform/clock";
import { centsToAmount } from "./payment-rules";
import { type PaymentRow, paymentStatuses } from "./payments.sql";

/** The wire form (snake_case, as SWAP's payment service answers). */
export const paymentJsonSchema = z
  .object({
    id: z.string().describe("txn_<uuid>"),
    order_id: z.string(),
    amount: z.number().describe("In currency units (amount_cents / 100), as SWAP answers"),
    amount_cents: z.number().int(),
    status: z.enum(paymentStatuses),
    failure_reason: z.string().nullable(),
    session_id: z.string(),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: "Payment",
    example: {
      id: "txn_0193a1b2-0000-7000-8000-000000000003",
      order_id: "0193a1b2-0000-7000-8000-000000000001",
      amount: 124.95,
      amount_cents: 12495,
      status: "SUCCESS",
      failure_reason: null,
      session_id: "my-session",
      version: 2,
      created_at: "2026-11-22T10:00:03.000Z",
      updated_at: "2026-11-22T10:00:08.000Z",
    },
  });
export type PaymentJson = z.infer<typeof paymentJsonSchema>;

export function paymentToJson(row: PaymentRow): PaymentJson {
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
