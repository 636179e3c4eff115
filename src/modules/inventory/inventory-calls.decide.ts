import type { Behaviour, OrderLine } from "../saga-terms";
import { simulatedFailure } from "../simulated-failure";
import type { InventoryOutcome, ReservationAttempt, ReservationState, ReserveContext } from "./inventory.decide";
import { describeShortage, mergeLines } from "./reservation-rules";

/**
 * What inventory decides when it is called (the RPC service of seed 002, which the rpc saga
 * style drives) rather than when it hears an event: pure functions of the call and the
 * reservation, unit-tested without a database. The rules are the ones the reactions use
 * (all-or-nothing reserve, one reservation per reference, PENDING → CONFIRMED or RELEASED and
 * never back, the same simulated failure); only the trigger and the answer differ: the caller
 * is answered (`ReservationResponse`) instead of an event being emitted.
 */

/** seed 002's ReservationResponse, plus what the reserved lines cost (there is no product service to ask). */
export interface ReservationAnswer {
  reservationId: string;
  success: boolean;
  message: string;
  totalCents: number;
}

export type CallOutcome =
  | { type: "answer"; answer: ReservationAnswer }
  | { type: "reserve"; lines: OrderLine[] }
  | Extract<InventoryOutcome, { type: "settle" }>;

/** A ReserveInventory call, checked. */
export interface ReserveCall {
  referenceId: string;
  lines: readonly OrderLine[];
  asked: { behaviour: Behaviour; given: boolean };
}

const answer = (reservationId: string, success: boolean, message: string, totalCents = 0): CallOutcome => ({
  type: "answer",
  answer: { reservationId, success, message, totalCents },
});

/**
 * One reservation per reference, as per order: a reference that has one (held, settled, or
 * closed by a cancel that came first) is answered with it, unsuccessfully, and nothing is
 * reserved twice. Otherwise the simulated failure is drawn as for an order, then the stock is
 * reserved.
 */
export function decideReserveCall(existing: ReservationState, call: ReserveCall, { random, failureRate }: ReserveContext): CallOutcome[] {
  if (existing) return [answer(existing.id, false, `${call.referenceId} already has a reservation, ${existing.status}`)];
  const failure = simulatedFailure("inventory", call.asked, failureRate, random);
  if (failure) return [answer("", false, `Simulated inventory failure (${failure})`)];
  return [{ type: "reserve", lines: mergeLines(call.lines) }];
}

/** All or nothing: held, with its total; or `success: false` with every short line in `message`. */
export function onReserveCallAttempted(attempt: ReservationAttempt): CallOutcome[] {
  if (!attempt.reserved) return [answer("", false, describeShortage(attempt.short))];
  const totalCents = attempt.items.reduce((total, line) => total + line.quantity * line.priceCents, 0);
  return [answer(attempt.reservationId, true, "Reserved", totalCents)];
}

/** CommitReservation: a PENDING reservation is confirmed (its units leave stock); committed already: said so, successfully. */
export function decideCommitCall(reservation: NonNullable<ReservationState>): CallOutcome[] {
  const { id, status, lines } = reservation;
  if (status === "CONFIRMED") return [answer(id, true, "Already committed")];
  if (status === "RELEASED") return [answer(id, false, `The reservation was released (${reservation.released?.reason ?? "released"})`)];
  return [{ type: "settle", reservationId: id, to: "CONFIRMED", lines }, answer(id, true, "Committed")];
}

/** CancelReservation: a PENDING reservation's units go back; released already: said so, successfully; committed: too late. */
export function decideCancelCall(reservation: NonNullable<ReservationState>): CallOutcome[] {
  const { id, status, lines } = reservation;
  if (status === "RELEASED") return [answer(id, true, `Already released (${reservation.released?.reason ?? "released"})`)];
  if (status === "CONFIRMED") return [answer(id, false, "The reservation is already committed")];
  const reason = "cancelled by its caller (CancelReservation)";
  return [{ type: "settle", reservationId: id, to: "RELEASED", lines, reason, cause: "operator" }, answer(id, true, "Cancelled")];
}
