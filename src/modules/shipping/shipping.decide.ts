import type { Random } from "../../platform/random";
import type { SagaEvent, SagaPayload } from "../events";
import type { ShipmentTerms } from "../saga-terms";
import { simulatedFailure } from "../simulated-failure";
import type { ShipmentStatus } from "./shipping.sql";

/**
 * What shipping decides: pure functions of what triggered it and the order's shipment,
 * unit-tested without a database (tests/unit/shipping.decide.test.ts). Two rules, whoever
 * triggers them: `decideShipment` (ship a paid order) and `decideCancelShipment` (call a
 * shipment back). In choreography the reactions call them on PAYMENT_SUCCESS and on the order's
 * cancellation; an orchestrator's CREATE_SHIPMENT and CANCEL_SHIPMENT call the same two.
 */

/** The order's shipment; undefined when it has none (not shipped yet, or the order has no shipment step). */
export type ShipmentState = { id: string; status: ShipmentStatus } | undefined;

export interface ShipmentContext {
  random: Random;
  /** The session's `shippingFailureRate`: applies only to an order that asked for no shippingBehaviour. */
  failureRate: number;
  /** A fresh shipment id, asked for only when a shipment is made. */
  newShipmentId: () => string;
  /**
   * Whether the order is being undone (its cancellation was asked for, or it is cancelled),
   * asked only before a shipment would be made: a cancelled order is never shipped.
   */
  orderIsCancelled: () => boolean;
}

export type ShippingOutcome =
  | { type: "ignore"; reason: string }
  | { type: "create"; shipmentId: string; status: "CREATED" | "FAILED"; reason: string | null }
  | { type: "move"; shipmentId: string; from: "CREATED"; to: "CANCELLED"; reason: string }
  | { type: "emit"; event: SagaPayload };

const ignore = (reason: string): ShippingOutcome[] => [{ type: "ignore", reason }];

/**
 * Ships a paid order once: SHIPMENT_CREATED, or SHIPMENT_FAILED when the order's
 * shippingBehaviour (or, when it named none, the session's shippingFailureRate) says so.
 */
export function decideShipment(terms: ShipmentTerms, shipment: ShipmentState, context: ShipmentContext): ShippingOutcome[] {
  if (shipment) return ignore(`the order's shipment is already ${shipment.status}`);
  if (context.orderIsCancelled()) return ignore("the order is being cancelled: nothing is shipped");
  const shipmentId = context.newShipmentId();
  const failure = simulatedFailure(
    "shipping",
    { behaviour: terms.behaviour, given: terms.behaviourGiven },
    context.failureRate,
    context.random,
  );
  if (failure) {
    const reason = `Simulated shipping failure (${failure})`;
    return [
      { type: "create", shipmentId, status: "FAILED", reason },
      { type: "emit", event: { type: "SHIPMENT_FAILED", data: { shipmentId, reason } } },
    ];
  }
  return [
    { type: "create", shipmentId, status: "CREATED", reason: null },
    { type: "emit", event: { type: "SHIPMENT_CREATED", data: { shipmentId } } },
  ];
}

/** A cancelled order keeps no parcel on its way: a CREATED shipment is called back, once. */
export function decideCancelShipment(shipment: ShipmentState, reason: string): ShippingOutcome[] {
  if (shipment?.status !== "CREATED") return ignore(shipment ? `the shipment is ${shipment.status}` : "nothing was shipped");
  return [
    { type: "move", shipmentId: shipment.id, from: "CREATED", to: "CANCELLED", reason },
    { type: "emit", event: { type: "SHIPMENT_CANCELLED", data: { shipmentId: shipment.id, reason } } },
  ];
}

/** Choreography: the payment went through, so an order with the shipment step is shipped. */
export function onPaymentSucceeded(
  event: SagaEvent<"PAYMENT_SUCCESS">,
  shipment: ShipmentState,
  context: ShipmentContext,
): ShippingOutcome[] {
  const terms = event.data.shipment;
  if (!terms) return ignore("the order has no shipment step");
  return decideShipment(terms, shipment, context);
}

/** Choreography: someone asked for the order to be undone (a customer, its timeout, an operator): the parcel is called back at once. */
export function onCancellationRequested(event: SagaEvent<"ORDER_CANCELLATION_REQUESTED">, shipment: ShipmentState): ShippingOutcome[] {
  return decideCancelShipment(shipment, `Order cancelled: ${event.data.reason}`);
}

/**
 * Choreography: the order ended cancelled. Whatever cancelled it (a request, an expired
 * reservation, an orders reset), a shipment made before the news reached shipping is called back.
 * Usually the request got there first, and this finds nothing to do.
 */
export function onOrderCancelled(event: SagaEvent<"ORDER_CANCELLED">, shipment: ShipmentState): ShippingOutcome[] {
  return decideCancelShipment(shipment, `Order cancelled: ${event.data.reason}`);
}

/** The undoing of an order without the shipment step never reaches shipping: asked before the delivery runs. */
export const undoesAShipmentStep = (event: SagaEvent<"ORDER_CANCELLED"> | SagaEvent<"ORDER_CANCELLATION_REQUESTED">): boolean =>
  event.data.shipmentStep === true;
