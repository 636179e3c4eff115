import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { z } from "zod";
import type { PaymentService } from "../../gen/payments/v1/payments_pb";
import { transaction } from "../../platform/db";
import { QuotaExceededError } from "../../platform/errors";
import { sessionOfCall } from "../../platform/rpc-context";
import { validated } from "../../platform/validation";
import type { ModuleDeps } from "../module-deps";
import { behaviourSchema } from "../saga-terms";
import type { PaymentsService } from "./payments.service";
import { decideChargeCall, decideRefundCall, type PaymentAnswer, type PaymentCallOutcome } from "./payments-calls.decide";

// An order id as a reference: the form of a session id (orders' own ids are uuids).
const orderId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1 to 64 characters of A-Z a-z 0-9 . _ : -");
/** The most one charge may take: the catalog's highest price times the most an order may ask for, with room. */
const MAX_CHARGE_CENTS = 1_000_000_000_000_000;

const chargeCallSchema = z.object({
  orderId,
  amountCents: z
    .bigint()
    .min(0n)
    .max(BigInt(MAX_CHARGE_CENTS))
    .transform((cents) => Number(cents)),
  behaviour: z.union([z.literal(""), behaviourSchema]),
});
const refundCallSchema = z.object({ orderId, reason: z.string().max(500) });

/**
 * Payments as a remote service (PaymentService, proto/payments/v1): the same payment book and
 * rules as the reactions (payments-calls.decide.ts), answered to the caller. It emits nothing:
 * in the rpc style the caller hears the outcome in the answer.
 */
export function paymentsRpc(deps: ModuleDeps, service: PaymentsService): ServiceImpl<typeof PaymentService> {
  const newPaymentId = () => `txn_${deps.ids.uuid()}`;

  function carryOut(sessionId: string, orderId: string, outcomes: readonly PaymentCallOutcome[]): PaymentAnswer {
    const now = deps.clock.now();
    let answered: PaymentAnswer | undefined;
    for (const outcome of outcomes) {
      if (outcome.type === "answer") answered = outcome.answer;
      else if (outcome.type === "open") service.openPayment(sessionId, orderId, outcome.paymentId, outcome.amountCents, now);
      else service.movePayment(sessionId, outcome.paymentId, outcome.from, outcome.to, outcome.failureReason, now);
    }
    if (!answered) throw new Error("A payment call's decision answered nothing");
    return answered;
  }

  return {
    charge(request, context) {
      const sessionId = sessionOfCall(context.values);
      const call = validated(chargeCallSchema, request);
      const asked = { behaviour: call.behaviour || "success", given: call.behaviour !== "" };
      const answer = transaction(deps.db, () => {
        // A call may name any order id: the session's disk stays bounded as its orders' does.
        const existing = service.paymentState(sessionId, call.orderId);
        if (!existing && service.paymentCount(sessionId) >= deps.config.maxOrdersPerSession) {
          throw new QuotaExceededError(
            `This session keeps ${deps.config.maxOrdersPerSession} payments, its quota (MAX_ORDERS_PER_SESSION); DELETE /session first`,
          );
        }
        return carryOut(
          sessionId,
          call.orderId,
          decideChargeCall(
            existing,
            { amountCents: call.amountCents, asked },
            { random: deps.random, failureRate: deps.settings.of(sessionId).paymentFailureRate, newPaymentId },
          ),
        );
      });
      deps.changes.announce(sessionId, "PAYMENTS_CHANGED");
      return answer;
    },

    refund(request, context) {
      const sessionId = sessionOfCall(context.values);
      const call = validated(refundCallSchema, request);
      const answer = transaction(deps.db, () => {
        const payment = service.paymentState(sessionId, call.orderId);
        if (!payment) throw new ConnectError(`The order ${call.orderId} has no payment`, Code.NotFound);
        return carryOut(sessionId, call.orderId, decideRefundCall(payment, call.reason || "refunded by its caller (Refund)"));
      });
      deps.changes.announce(sessionId, "PAYMENTS_CHANGED");
      return answer;
    },
  };
}
