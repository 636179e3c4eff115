import { describe, expect, test } from "bun:test";
import type { ShipmentTerms } from "../../src/modules/saga-terms";
import {
  decideCancelShipment,
  decideShipment,
  onCancellationRequested,
  onOrderCancelled,
  onPaymentSucceeded,
  type ShipmentContext,
  type ShipmentState,
  type ShippingOutcome,
  undoesAShipmentStep,
} from "../../src/modules/shipping/shipping.decide";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const terms = (behaviour: ShipmentTerms["behaviour"], behaviourGiven = true): ShipmentTerms => ({
  behaviour,
  behaviourGiven,
  skipDemoDelays: true,
});
const paid = (shipment?: ShipmentTerms) =>
  sagaEvent("PAYMENT_SUCCESS", { paymentId: "txn_1", amount: 124.95, amountCents: 12495, ...(shipment ? { shipment } : {}) });
const created: ShipmentState = { id: "shp_1", status: "CREATED" };

/** The random source answers `draw`; the session's rate is `failureRate`; a new shipment is `shp_new`; the order is being cancelled when `cancelled`. */
const context = ({ draw = 0.9, failureRate = 0, cancelled = false } = {}): ShipmentContext => ({
  random: () => draw,
  failureRate,
  newShipmentId: () => "shp_new",
  orderIsCancelled: () => cancelled,
});

const shipped: ShippingOutcome[] = [
  { type: "create", shipmentId: "shp_new", status: "CREATED", reason: null },
  { type: "emit", event: { type: "SHIPMENT_CREATED", data: { shipmentId: "shp_new" } } },
];
const notShipped = (why: string): ShippingOutcome[] => {
  const reason = `Simulated shipping failure (${why})`;
  return [
    { type: "create", shipmentId: "shp_new", status: "FAILED", reason },
    { type: "emit", event: { type: "SHIPMENT_FAILED", data: { shipmentId: "shp_new", reason } } },
  ];
};

describe("shipping: a paid order with the shipment step (decideShipment, the rule an orchestrator's CREATE_SHIPMENT calls too)", () => {
  test("given no shipment, when an order asking for success is shipped, then a CREATED shipment and SHIPMENT_CREATED", () => {
    expect(decideShipment(terms("success"), undefined, context())).toEqual(shipped);
  });
  test("given no shipment, when an order asking for failure is shipped, then a FAILED shipment and SHIPMENT_FAILED naming why", () => {
    expect(decideShipment(terms("failure"), undefined, context())).toEqual(notShipped("shippingBehaviour: failure"));
  });
  test("random fails half the time, drawn from the injected source", () => {
    expect(decideShipment(terms("random"), undefined, context({ draw: 0.2 }))).toEqual(notShipped("shippingBehaviour: random"));
    expect(decideShipment(terms("random"), undefined, context({ draw: 0.7 }))).toEqual(shipped);
  });
  test("an order that asked nothing fails with the session's shippingFailureRate; an explicit behaviour wins over it", () => {
    expect(decideShipment(terms("success", false), undefined, context({ draw: 0.1, failureRate: 0.5 }))).toEqual(
      notShipped("the session's shippingFailureRate is 0.5"),
    );
    expect(decideShipment(terms("success", false), undefined, context({ draw: 0.6, failureRate: 0.5 }))).toEqual(shipped);
    expect(decideShipment(terms("success"), undefined, context({ draw: 0.1, failureRate: 1 }))).toEqual(shipped);
  });
  test("one shipment per order: given one already, nothing more", () => {
    expect(decideShipment(terms("success"), created, context())).toEqual([
      { type: "ignore", reason: "the order's shipment is already CREATED" },
    ]);
  });
  test("a cancelled order is never shipped", () => {
    expect(decideShipment(terms("success"), undefined, context({ cancelled: true }))).toEqual([
      { type: "ignore", reason: "the order is being cancelled: nothing is shipped" },
    ]);
  });
});

describe("shipping in choreography: PAYMENT_SUCCESS", () => {
  const spec = decisionSpec((event: ReturnType<typeof paid>, shipment: ShipmentState) => onPaymentSucceeded(event, shipment, context()));
  test("given no shipment, when an order with the step is paid, then it is shipped", () => {
    spec
      .given(undefined)
      .when(paid(terms("success")))
      .then(shipped);
  });
  test("given no shipment, when an order without the step is paid, then shipping does nothing", () => {
    spec
      .given(undefined)
      .when(paid())
      .then([{ type: "ignore", reason: "the order has no shipment step" }]);
  });
});

describe("shipping: calling a shipment back (decideCancelShipment, the rule an orchestrator's CANCEL_SHIPMENT calls too)", () => {
  const called = (reason: string): ShippingOutcome[] => [
    { type: "move", shipmentId: "shp_1", from: "CREATED", to: "CANCELLED", reason },
    { type: "emit", event: { type: "SHIPMENT_CANCELLED", data: { shipmentId: "shp_1", reason } } },
  ];
  test("given a CREATED shipment, when the order's cancellation is asked for, then it is called back: SHIPMENT_CANCELLED", () => {
    decisionSpec(onCancellationRequested)
      .given(created)
      .when(sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource: "customer", reason: "asked", shipmentStep: true }))
      .then(called("Order cancelled: asked"));
  });
  test("given a CREATED shipment, when the order ends cancelled (an expiry, a reset), then it is called back", () => {
    decisionSpec(onOrderCancelled)
      .given(created)
      .when(sagaEvent("ORDER_CANCELLED", { cancellationSource: "timeout", reason: "expired", shipmentStep: true }))
      .then(called("Order cancelled: expired"));
  });
  test("a shipment that failed, or was called back already, or was never made: nothing to call back", () => {
    expect(decideCancelShipment({ id: "shp_1", status: "FAILED" }, "r")).toEqual([{ type: "ignore", reason: "the shipment is FAILED" }]);
    expect(decideCancelShipment({ id: "shp_1", status: "CANCELLED" }, "r")).toEqual([
      { type: "ignore", reason: "the shipment is CANCELLED" },
    ]);
    expect(decideCancelShipment(undefined, "r")).toEqual([{ type: "ignore", reason: "nothing was shipped" }]);
  });
  test("only the undoing of an order placed with the step reaches shipping", () => {
    expect(undoesAShipmentStep(sagaEvent("ORDER_CANCELLED", { cancellationSource: "customer", reason: "r", shipmentStep: true }))).toBe(
      true,
    );
    expect(undoesAShipmentStep(sagaEvent("ORDER_CANCELLED", { cancellationSource: "customer", reason: "r" }))).toBe(false);
  });
});
