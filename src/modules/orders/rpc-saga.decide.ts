import type { OrderOutcome, OrderState } from "./orders.decide";
import { blockedMove, cancel, record } from "./orders.decide";

/**
 * What the order service decides in an rpc-style saga (seed 002): a pure function of what its
 * calls have answered so far and of the order as it is now, unit-tested without a database or
 * a transport. The chain is CheckInventoryAvailability, (the order is created), ReserveInventory,
 * Charge, CommitReservation; a failure after the reserve cancels the reservation (and refunds
 * a charge the commit came too late for). rpc-saga.ts makes each call and records it.
 *
 * The saga's state is this progress, held in the caller's memory for as long as it waits:
 * that is the style's lesson. A crash loses it, and what the chain held then is released by
 * the services' own clocks (the reservation's expiration, the order's timeout), not by the chain.
 */

/** One call's answer, as the chain reads it (an error answer is `ok: false` with its message). */
export interface CallAnswer {
  ok: boolean;
  message: string;
}

/** What the chain's calls answered so far, in order. */
export interface RpcProgress {
  check: CallAnswer;
  reserve?: CallAnswer & { reservationId: string; totalCents: number };
  charge?: CallAnswer;
  commit?: CallAnswer;
  cancelReservation?: CallAnswer;
  refund?: CallAnswer;
}

export type RpcCall = "reserve" | "charge" | "commit" | "cancelReservation" | "refund";

export type RpcStep =
  /** Write `outcomes` (the order's own moves), then make `call`. */
  | { type: "call"; call: RpcCall; outcomes: OrderOutcome[] }
  /** The chain has ended: write `outcomes` (the order's final move, if it is still the chain's to make). */
  | { type: "end"; outcomes: OrderOutcome[]; reason: string };

const end = (reason: string, outcomes: OrderOutcome[] = []): RpcStep => ({ type: "end", outcomes, reason });
const call = (next: RpcCall, outcomes: OrderOutcome[] = []): RpcStep => ({ type: "call", call: next, outcomes });

export function nextRpcStep(progress: RpcProgress, order: OrderState): RpcStep {
  const { check, reserve, charge, commit, cancelReservation, refund } = progress;
  const chargeTaken = charge?.ok === true;
  // Money the chain took and no longer has a sale for goes back before it lets go.
  const giveBack = (reason: string, outcomes: OrderOutcome[] = []): RpcStep =>
    chargeTaken && !refund ? call("refund") : end(reason, outcomes);

  if (!order) return giveBack("the order is gone (an orders reset)");
  // Someone else is undoing the saga (the customer, an operator, the clock, an expiry): inventory's
  // and payments' own reactions hand back what is held and end the order. The chain stops here.
  if (order.cancellationRequestedBy !== null || order.status === "CANCELLED") {
    return giveBack(`the order is being cancelled (${order.cancellationRequestedBy ?? order.cancellationSource ?? "cancelled"})`);
  }
  if (!check.ok) return end("the stock is not available", cancel(order, "inventory_depleted", `Inventory failed: ${check.message}`));
  if (!reserve) return call("reserve");
  if (!reserve.ok)
    return end("the stock could not be reserved", cancel(order, "inventory_depleted", `Inventory failed: ${reserve.message}`));
  if (!charge) {
    const processing = blockedMove(order, "PROCESSING") ?? [
      record({ type: "ORDER_PROCESSING_STARTED", data: { totalCents: reserve.totalCents } }),
    ];
    return call(
      "charge",
      processing.filter((outcome) => outcome.type !== "ignore"),
    );
  }
  if (!charge.ok) {
    if (!cancelReservation) return call("cancelReservation");
    return end("the payment failed", cancel(order, "payment_failed", `Payment failed: ${charge.message}`));
  }
  if (!commit) return call("commit");
  if (!commit.ok) {
    // The reservation was released before the commit (it expired): the sale cannot be kept.
    return giveBack("the reservation was gone at the commit", cancel(order, "timeout", `Inventory failed: ${commit.message}`));
  }
  const completed = blockedMove(order, "COMPLETED") ?? [
    record({ type: "ORDER_COMPLETED", data: { totalCents: reserve.totalCents } }),
    { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: reserve.totalCents } } },
  ];
  return end("the order is complete", completed);
}
