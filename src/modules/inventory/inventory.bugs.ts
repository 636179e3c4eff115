import { type BugSwitch, isOn } from "../bugs";
import type { SagaEvent, SagaPayload } from "../events";
import { type CancellationSource, type StockReturnCause, stockReturnCauses } from "../saga-terms";
import {
  confirmReservation,
  type ForPayment,
  type InventoryOutcome,
  onOrderCancelled,
  onOrderCreated,
  onReservationAttempted,
  type ReservationAttempt,
  type ReservationState,
  type ReserveContext,
  type ReserveRequest,
} from "./inventory.decide";
import type { PricedLine } from "./inventory.events";

/**
 * "Break it": inventory's bugs, each a named variant of one of its decisions
 * (inventory.decide.ts), put back only in a session that switched it on (`bugs`). Each is
 * written beside the rule it breaks, so the two can be read side by side, and `inventoryRulesFor`
 * is the one place that picks them. A session with no switch gets `correctInventoryRules`
 * itself: the correct path runs exactly as it would without this file.
 */

/** What only a bug variant asks inventory to write (inventory.bug-writes.ts carries them out). */
export type InventoryBugOutcome =
  /** Units put back on the shelf for a reservation that holds none any more (a double release). */
  | { type: "handBackAgain"; lines: PricedLine[] }
  /** Units taken out of stock a second time for a reservation already confirmed. */
  | { type: "takeAgain"; lines: PricedLine[] }
  /** A reservation a cancel handed back, confirmed all the same: its units taken out of stock. */
  | { type: "confirmReleased"; reservationId: string; lines: PricedLine[] }
  /** The conditional reservation, and the stock levels read then remembered for the confirmation. */
  | { type: "reserveRememberingStock"; lines: InventoryReserve["lines"]; forPayment: ForPayment }
  /** The confirmation writing "the stock it read minus the quantity" instead of a delta. */
  | { type: "settleFromStockRead"; reservationId: string; lines: PricedLine[] }
  /** An event emitted without its order's id: no reaction can correlate it. */
  | { type: "emitWithoutOrderId"; event: SagaPayload };
type InventoryReserve = Extract<InventoryOutcome, { type: "reserve" }>;
export type InventoryStep = InventoryOutcome | InventoryBugOutcome;

/** The decisions that have a bug variant, as the reactions call them. */
export interface InventoryRules {
  reserve: (event: ReserveRequest, reservation: ReservationState, context: ReserveContext) => InventoryStep[];
  reservationAttempted: (attempt: ReservationAttempt, forPayment: ForPayment) => InventoryStep[];
  confirm: (reservation: ReservationState) => InventoryStep[];
  orderCancelled: (event: SagaEvent<"ORDER_CANCELLED">, reservation: ReservationState) => InventoryStep[];
}

export const correctInventoryRules: InventoryRules = {
  reserve: onOrderCreated,
  reservationAttempted: onReservationAttempted,
  confirm: confirmReservation,
  orderCancelled: onOrderCancelled,
};

const returnCauseOf = (source: CancellationSource): StockReturnCause =>
  (stockReturnCauses as readonly string[]).includes(source) ? (source as StockReturnCause) : "operator";

/**
 * `ignoreCancellationSource`, seed 000's bug: every cancellation hands the order's units back,
 * whether inventory still holds any for it or not. A reservation already handed back (its
 * payment failed) or put back is handed back again: units appear from nowhere. The correct
 * `onOrderCancelled` asks where the stock is first.
 */
export function releaseIgnoringCancellationSource(event: SagaEvent<"ORDER_CANCELLED">, reservation: ReservationState): InventoryStep[] {
  if (!reservation || reservation.lines.length === 0) return onOrderCancelled(event, reservation);
  if (reservation.status === "PENDING" || (reservation.status === "CONFIRMED" && !reservation.restocked)) {
    return onOrderCancelled(event, reservation);
  }
  const { id, lines } = reservation;
  const cause = returnCauseOf(event.data.cancellationSource);
  const reason = `Order cancelled: ${event.data.reason}`;
  return [
    { type: "handBackAgain", lines },
    { type: "emit", event: { type: "INVENTORY_RELEASED", data: { reservationId: id, items: lines, cause, reason } } },
  ];
}

/** `dropOrderIdOnFailure`, seed 000's first bug: a failed reservation is announced without the order's id. */
const withoutOrderId = (steps: InventoryStep[]): InventoryStep[] =>
  steps.map((step) =>
    step.type === "emit" && step.event.type === "INVENTORY_FAILED" ? { type: "emitWithoutOrderId", event: step.event } : step,
  );
export const reserveFailingWithoutOrderId: InventoryRules["reserve"] = (event, reservation, context) =>
  withoutOrderId(onOrderCreated(event, reservation, context));
export const announceAttemptWithoutOrderId: InventoryRules["reservationAttempted"] = (attempt, forPayment) =>
  withoutOrderId(onReservationAttempted(attempt, forPayment));

/**
 * `nonIdempotentConsumers`: a confirmation of a reservation already confirmed takes its units
 * again, and says so, instead of recognising it (`confirmReservation`: "already confirmed").
 */
export const confirmTakingStockAgain =
  (confirm: InventoryRules["confirm"]): InventoryRules["confirm"] =>
  (reservation) => {
    if (reservation?.status !== "CONFIRMED" || reservation.restocked) return confirm(reservation);
    const { id, lines } = reservation;
    const totalCents = lines.reduce((total, line) => total + line.quantity * line.priceCents, 0);
    return [
      { type: "takeAgain", lines },
      { type: "emit", event: { type: "INVENTORY_CONFIRMED", data: { reservationId: id, items: lines, totalCents } } },
    ];
  };

/**
 * `noSemanticLock`: a reservation handed back for a cancel no longer locks the sale, so a
 * payment's confirmation that arrives after it takes the stock and completes the sale anyway.
 * `confirmReservation` refuses it (INVENTORY_FAILED at the confirm stage, and the money goes back).
 */
export const confirmIgnoringRelease =
  (confirm: InventoryRules["confirm"]): InventoryRules["confirm"] =>
  (reservation) => {
    if (reservation?.status !== "RELEASED" || reservation.lines.length === 0) return confirm(reservation);
    const { id, lines } = reservation;
    const totalCents = lines.reduce((total, line) => total + line.quantity * line.priceCents, 0);
    return [
      { type: "confirmReleased", reservationId: id, lines },
      { type: "emit", event: { type: "INVENTORY_CONFIRMED", data: { reservationId: id, items: lines, totalCents } } },
    ];
  };

/**
 * `absoluteStockWrites`: the reservation reads each product's stock level, and the confirmation,
 * a later delivery, writes "that level minus the quantity" instead of `stock_level - quantity`:
 * two sagas confirmed in between each other's read and write lose one update.
 */
export const reserveRememberingStock =
  (reserve: InventoryRules["reserve"]): InventoryRules["reserve"] =>
  (event, reservation, context) =>
    reserve(event, reservation, context).map((step) => (step.type === "reserve" ? { ...step, type: "reserveRememberingStock" } : step));
export const confirmWritingStockRead =
  (confirm: InventoryRules["confirm"]): InventoryRules["confirm"] =>
  (reservation) =>
    confirm(reservation).map((step) =>
      step.type === "settle" && step.to === "CONFIRMED"
        ? { type: "settleFromStockRead", reservationId: step.reservationId, lines: step.lines }
        : step,
    );

/** Each session's switches, as one key, to the rules they make: built once per combination. */
const rulesByBugs = new Map<string, InventoryRules>();

/** The one place inventory's variants are chosen: the correct rules unless the session put a bug back. */
export function inventoryRulesFor(bugs: readonly BugSwitch[]): InventoryRules {
  if (bugs.length === 0) return correctInventoryRules;
  const key = [...bugs].sort().join(",");
  const known = rulesByBugs.get(key);
  if (known) return known;
  const on = (bug: BugSwitch) => isOn(bugs, bug);
  let { reserve, reservationAttempted, confirm, orderCancelled } = correctInventoryRules;
  if (on("dropOrderIdOnFailure")) {
    reserve = reserveFailingWithoutOrderId;
    reservationAttempted = announceAttemptWithoutOrderId;
  }
  if (on("absoluteStockWrites")) {
    reserve = reserveRememberingStock(reserve);
    confirm = confirmWritingStockRead(confirm);
  }
  if (on("nonIdempotentConsumers")) confirm = confirmTakingStockAgain(confirm);
  if (on("noSemanticLock")) confirm = confirmIgnoringRelease(confirm);
  if (on("ignoreCancellationSource")) orderCancelled = releaseIgnoringCancellationSource;
  const rules = { reserve, reservationAttempted, confirm, orderCancelled };
  rulesByBugs.set(key, rules);
  return rules;
}
