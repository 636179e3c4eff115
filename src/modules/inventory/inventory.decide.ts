import type { Random } from "../../platform/random";
import type { SagaEvent, SagaPayload } from "../events";
import type { Behaviour, OrderLine, ShipmentTerms, StockReturnCause } from "../saga-terms";
import { simulatedFailure } from "../simulated-failure";
import type { PricedLine, ShortLine } from "./inventory.events";
import type { ReservationStatus } from "./inventory.sql";
import { describeShortage, mergeLines } from "./reservation-rules";

/**
 * What inventory decides at each step of a saga: pure functions of the event and the order's
 * reservation, unit-tested without a database (tests/unit). The reactions in
 * inventory.reactions.ts load the reservation, call these and carry out what they answer.
 * Reserving is the one step whose result only the database can give (one conditional UPDATE
 * per product, never a read followed by a write): `onOrderCreated` asks for it, and
 * `onReservationAttempted` decides what to announce from its result.
 */

/**
 * The order's reservation with its lines; undefined when it has none (never made, or reset
 * away). `restocked`: a CONFIRMED reservation whose units were put back (its order was
 * cancelled after it completed).
 */
export type ReservationState =
  | {
      id: string;
      status: ReservationStatus;
      lines: PricedLine[];
      restocked: boolean;
      released?: { reason: string; cause: StockReturnCause | null };
    }
  | undefined;

export type InventoryOutcome =
  | { type: "ignore"; reason: string }
  | { type: "reserve"; lines: OrderLine[]; forPayment: ForPayment }
  | { type: "settle"; reservationId: string; to: "CONFIRMED"; lines: PricedLine[] }
  | { type: "settle"; reservationId: string; to: "RELEASED"; lines: PricedLine[]; reason: string; cause: StockReturnCause }
  | { type: "restock"; reservationId: string; lines: PricedLine[] }
  /** A reservation that holds nothing, RELEASED from the start: the order was cancelled before its stock was reserved. */
  | { type: "closeUnreserved"; reservationId: string; reason: string; cause: StockReturnCause }
  | { type: "emit"; event: SagaPayload };

/**
 * What INVENTORY_RESERVED carries forward so payments (and after it shipping) can act without
 * reading the orders module. `shipment` only for an order with the shipment step.
 */
export type ForPayment = { paymentBehaviour: Behaviour; paymentBehaviourGiven: boolean; skipDemoDelays: boolean; shipment?: ShipmentTerms };

/** What reserving may draw on besides the event: injected, so specs fix them. */
export interface ReserveContext {
  random: Random;
  /** The session's `inventoryFailureRate`: applies only to an order that asked for no inventoryBehaviour. */
  failureRate: number;
}

export type ReservationAttempt =
  | { reserved: true; reservationId: string; items: PricedLine[]; expiresAt: number | null }
  | { reserved: false; short: (ShortLine & { known: boolean })[] };

const emit = (event: SagaPayload): InventoryOutcome => ({ type: "emit", event });
const totalOf = (lines: readonly PricedLine[]) => lines.reduce((total, line) => total + line.quantity * line.priceCents, 0);

/**
 * What reserving reads of its trigger: ORDER_CREATED in choreography, RESERVE_INVENTORY from an
 * orchestrator (which carries no shipment terms: the orchestrator keeps them for its own step).
 */
export type ReserveRequest = {
  data: Pick<
    SagaEvent<"ORDER_CREATED">["data"],
    | "items"
    | "inventoryBehaviour"
    | "inventoryBehaviourGiven"
    | "paymentBehaviour"
    | "paymentBehaviourGiven"
    | "skipDemoDelays"
    | "shipment"
  >;
};

export function onOrderCreated(
  event: ReserveRequest,
  reservation: ReservationState,
  { random, failureRate }: ReserveContext,
): InventoryOutcome[] {
  // A cancellation delivered first (a demo delay, or a teacher's order) closed the order's books.
  if (reservation) return [{ type: "ignore", reason: `the order already has a reservation, ${reservation.status}` }];
  const { items, inventoryBehaviour, inventoryBehaviourGiven } = event.data;
  const failure = simulatedFailure("inventory", { behaviour: inventoryBehaviour, given: inventoryBehaviourGiven }, failureRate, random);
  if (failure) {
    const reason = `Simulated inventory failure (${failure})`;
    return [emit({ type: "INVENTORY_FAILED", data: { stage: "reserve", reason, items: [], cause: null } })];
  }
  const { paymentBehaviour, paymentBehaviourGiven, skipDemoDelays, shipment } = event.data;
  const forPayment: ForPayment = { paymentBehaviour, paymentBehaviourGiven, skipDemoDelays, ...(shipment ? { shipment } : {}) };
  return [{ type: "reserve", lines: mergeLines(items), forPayment }];
}

/** All or nothing: either every line was held, or every short line is reported. */
export function onReservationAttempted(attempt: ReservationAttempt, forPayment: ForPayment): InventoryOutcome[] {
  if (!attempt.reserved) {
    const items = attempt.short.map(({ product, requested, available }) => ({ product, requested, available }));
    return [emit({ type: "INVENTORY_FAILED", data: { stage: "reserve", reason: describeShortage(attempt.short), items, cause: null } })];
  }
  return [
    emit({
      type: "INVENTORY_RESERVED",
      data: {
        reservationId: attempt.reservationId,
        items: attempt.items,
        totalCents: totalOf(attempt.items),
        ...forPayment,
        expiresAt: attempt.expiresAt,
      },
    }),
  ];
}

/**
 * Whether inventory confirms an order's stock when its payment succeeds: yes, unless the order
 * has the shipment step, whose stock is confirmed once shipped (SHIPMENT_CREATED). Asked of the
 * event before any delivery runs, so an order without the step runs exactly what it always did.
 */
export const confirmsOnPayment = (event: SagaEvent<"PAYMENT_SUCCESS">): boolean => event.data.shipment === undefined;

/** Choreography: the payment went through, so the stock is taken for good (unless the order has the shipment step). */
/** (`confirm`: the session's confirmation rule, when it put a bug back: inventory.bugs.ts.) */
export function onPaymentSucceeded<O>(
  event: SagaEvent<"PAYMENT_SUCCESS">,
  reservation: ReservationState,
  confirm: (reservation: ReservationState) => O[],
): (InventoryOutcome | O)[];
export function onPaymentSucceeded(event: SagaEvent<"PAYMENT_SUCCESS">, reservation: ReservationState): InventoryOutcome[];
export function onPaymentSucceeded(
  event: SagaEvent<"PAYMENT_SUCCESS">,
  reservation: ReservationState,
  confirm: (reservation: ReservationState) => unknown[] = confirmReservation,
): unknown[] {
  if (!confirmsOnPayment(event))
    return [{ type: "ignore", reason: "the order has the shipment step: its stock is confirmed once shipped" }];
  return confirm(reservation);
}

/** Choreography: the order is shipped (an order with the shipment step): its stock is taken for good. */
export function onShipmentCreated<O>(
  event: SagaEvent<"SHIPMENT_CREATED">,
  reservation: ReservationState,
  confirm: (reservation: ReservationState) => O[],
): O[];
export function onShipmentCreated(event: SagaEvent<"SHIPMENT_CREATED">, reservation: ReservationState): InventoryOutcome[];
export function onShipmentCreated(
  _event: SagaEvent<"SHIPMENT_CREATED">,
  reservation: ReservationState,
  confirm: (reservation: ReservationState) => unknown[] = confirmReservation,
): unknown[] {
  return confirm(reservation);
}

/**
 * The last step of a sale, whoever triggers it (the payment, the shipment of an order with the
 * shipment step, or an orchestrator's CONFIRM_RESERVATION): the held stock is taken for good,
 * or, if it is no longer held, the confirmation fails and the money goes back.
 */
export function confirmReservation(reservation: ReservationState): InventoryOutcome[] {
  if (reservation?.status === "CONFIRMED") return [{ type: "ignore", reason: "the reservation is already confirmed" }];
  if (reservation?.status !== "PENDING") {
    // The stock was paid for but is no longer held: handed back first (a cancel, an expiry) or
    // reset away. The payment is refunded, naming why.
    const released = reservation?.released;
    const reason = released
      ? `the stock was handed back before the payment was confirmed (${released.reason})`
      : "the reservation was no longer held (inventory reset)";
    return [emit({ type: "INVENTORY_FAILED", data: { stage: "confirm", reason, items: [], cause: released?.cause ?? null } })];
  }
  const { id, lines } = reservation;
  return [
    { type: "settle", reservationId: id, to: "CONFIRMED", lines },
    emit({ type: "INVENTORY_CONFIRMED", data: { reservationId: id, items: lines, totalCents: totalOf(lines) } }),
  ];
}

/**
 * Hands a reservation's units back (if it is still there) and says so; the order then reads
 * `cause` as its cancellationSource.
 */
function release(reservation: ReservationState, cause: StockReturnCause, reason: string): InventoryOutcome[] {
  const settle: InventoryOutcome[] = reservation
    ? [{ type: "settle", reservationId: reservation.id, to: "RELEASED", lines: reservation.lines, reason, cause }]
    : [];
  const data = { reservationId: reservation?.id ?? null, items: reservation?.lines ?? [], cause, reason };
  return [...settle, emit({ type: "INVENTORY_RELEASED", data })];
}

export function onPaymentFailed(event: SagaEvent<"PAYMENT_FAILED">, reservation: ReservationState): InventoryOutcome[] {
  if (reservation && reservation.status !== "PENDING")
    return [{ type: "ignore", reason: `the reservation is already ${reservation.status}` }];
  // With no reservation left (an inventory reset) the order still needs its last step.
  return release(reservation, "payment_failed", `Payment failed: ${event.data.reason}`);
}

/** The parcel could not be sent: the stock goes back, and payments refunds the charge on the release. */
export function onShipmentFailed(event: SagaEvent<"SHIPMENT_FAILED">, reservation: ReservationState): InventoryOutcome[] {
  if (reservation && reservation.status !== "PENDING")
    return [{ type: "ignore", reason: `the reservation is already ${reservation.status}` }];
  return release(reservation, "shipment_failed", `Shipment failed: ${event.data.reason}`);
}

/**
 * A cancelled order keeps no stock. Still held (an orders reset cut its saga short): handed
 * back. Taken by a completed order and not put back yet (an orders reset dropped the restock a
 * cancel had asked for, or stock was reserved and confirmed after the order was cancelled): put
 * back on the shelf. Every other cancellation comes after the stock was settled: nothing to do.
 */
export function onOrderCancelled(event: SagaEvent<"ORDER_CANCELLED">, reservation: ReservationState): InventoryOutcome[] {
  const reason = `Order cancelled: ${event.data.reason}`;
  if (reservation?.status === "PENDING") return release(reservation, "operator", reason);
  if (reservation?.status === "CONFIRMED" && !reservation.restocked) {
    const { id, lines } = reservation;
    return [
      { type: "restock", reservationId: id, lines },
      emit({ type: "INVENTORY_RESTOCKED", data: { reservationId: id, items: lines, cause: "operator", reason } }),
    ];
  }
  return [{ type: "ignore", reason: "no stock is held for this order: nothing to release" }];
}

/**
 * Someone asked for the order to be undone. What inventory does depends on where the stock is:
 * held → handed back (INVENTORY_RELEASED); taken by a completed order → put back on the shelf
 * (INVENTORY_RESTOCKED, the reservation stays CONFIRMED); not reserved yet → the order's books
 * are closed with an empty RELEASED reservation, so a reservation attempt delivered later does
 * nothing; already handed back or put back → nothing more (a payment failure or another
 * request got there first).
 */
export function onCancellationRequested(
  // ORDER_CANCELLATION_REQUESTED in choreography; RELEASE_INVENTORY (any cause of a stock return) from an orchestrator.
  event: { data: { cancellationSource: StockReturnCause; reason: string } },
  reservation: ReservationState,
  { newReservationId }: { newReservationId: () => string },
): InventoryOutcome[] {
  const { cancellationSource: cause, reason } = event.data;
  if (!reservation) {
    const reservationId = newReservationId();
    const why = `${reason} (before any stock was reserved)`;
    return [
      { type: "closeUnreserved", reservationId, reason: why, cause },
      emit({ type: "INVENTORY_RELEASED", data: { reservationId, items: [], cause, reason: why } }),
    ];
  }
  if (reservation.status === "PENDING") return release(reservation, cause, reason);
  if (reservation.status === "RELEASED") return [{ type: "ignore", reason: "the stock was already handed back" }];
  if (reservation.restocked) return [{ type: "ignore", reason: "the stock was already put back" }];
  const { id, lines } = reservation;
  return [
    { type: "restock", reservationId: id, lines },
    emit({ type: "INVENTORY_RESTOCKED", data: { reservationId: id, items: lines, cause, reason } }),
  ];
}

/**
 * An orchestrator asks for the stock back (RELEASE_INVENTORY), compensating a reservation it
 * saw made: the rule of every cancellation (`onCancellationRequested`), and always an answer,
 * since the orchestrator waits for one before it ends the saga. Stock handed back or put back
 * already (an expiry delivered first, out of order) is said again, with the reason it went.
 */
export function onReleaseRequested(
  event: SagaEvent<"RELEASE_INVENTORY">,
  reservation: ReservationState,
  ids: { newReservationId: () => string },
): InventoryOutcome[] {
  const outcomes = onCancellationRequested(event, reservation, ids);
  if (!reservation || outcomes.some((outcome) => outcome.type !== "ignore")) return outcomes;
  const cause = reservation.released?.cause ?? event.data.cancellationSource;
  const reason = reservation.released?.reason ?? event.data.reason;
  const data = { reservationId: reservation.id, items: reservation.lines, cause, reason };
  return [emit(reservation.restocked ? { type: "INVENTORY_RESTOCKED", data } : { type: "INVENTORY_RELEASED", data })];
}

/** The reservation's time is up (`reservationTtlMs`): still PENDING, it is released as expired and its order times out. */
export function onReservationExpired(event: SagaEvent<"INVENTORY_RESERVED">, reservation: ReservationState): InventoryOutcome[] {
  return expire(event.data.reservationId, reservation);
}

/**
 * A reservation made by a call (`ReserveInventory`) reached its `expiration_minutes`: the same
 * rule as a reaction's reservation. Still PENDING (the caller neither committed nor cancelled
 * it: it died, or forgot), it is released as expired, and its order times out.
 */
export function onHeldReservationExpired(event: SagaEvent<"INVENTORY_HELD">, reservation: ReservationState): InventoryOutcome[] {
  return expire(event.data.reservationId, reservation);
}

function expire(reservationId: string, reservation: ReservationState): InventoryOutcome[] {
  if (reservation?.id !== reservationId || reservation.status !== "PENDING") {
    return [{ type: "ignore", reason: "the reservation was settled in time" }];
  }
  return release(reservation, "timeout", "expired");
}

/** What a seed needs to know of the catalog it replaces: each product's units reserved now. */
export type HeldStock = readonly { id: string; reserved: number }[];

export type SeedDecision = { type: "seed" } | { type: "refuse"; reason: string };

/**
 * `POST /inventory/seed` makes the catalog exactly `catalog`, keeping what is reserved for
 * orders in flight. Refused (409, nothing written) where that would leave reserved units
 * without a product (a product not listed) or above its new stock level.
 */
export function decideSeed(catalog: readonly { id: string; stock_level: number }[], held: HeldStock): SeedDecision {
  const listed = new Set(catalog.map((p) => p.id));
  const reservedNow = new Map(held.map((p) => [p.id, p.reserved]));
  const stranded = held.filter((p) => !listed.has(p.id) && p.reserved > 0).map((p) => p.id);
  const overReserved = catalog.filter((p) => (reservedNow.get(p.id) ?? 0) > p.stock_level).map((p) => p.id);
  if (stranded.length === 0 && overReserved.length === 0) return { type: "seed" };
  const names = [...stranded, ...overReserved].join(", ");
  return {
    type: "refuse",
    reason: `Cannot seed: units of ${names} are reserved by orders in flight; wait for them to finish or POST /inventory/reset`,
  };
}
