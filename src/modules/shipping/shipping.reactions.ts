import { type SagaEvent, type SagaReactionContext, sagaReaction } from "../events";
import type { ModuleDeps } from "../module-deps";
import { choreography } from "../saga-terms";
import { demoDelay } from "../session-settings";
import {
  decideCancelShipment,
  decideShipment,
  onCancellationRequested,
  onOrderCancelled,
  onPaymentSucceeded,
  type ShipmentContext,
  type ShippingOutcome,
  undoesAShipmentStep,
} from "./shipping.decide";
import type { ShippingService } from "./shipping.service";

/**
 * Shipping's reactions, each a pure decision (shipping.decide.ts) on the order's shipment. In a
 * choreographed saga each is wanted only for an order placed with the shipment step (its
 * `delayMs` answers null otherwise, so the relay runs nothing and an order without the step runs
 * exactly what it always did). In an orchestrated saga the orchestrator's two commands trigger the
 * same two rules. A duplicate delivery never reaches them (the relay recognises it).
 */
export function shippingReactions(deps: ModuleDeps, service: ShippingService) {
  const newShipmentId = () => `shp_${deps.ids.uuid()}`;
  const load = (event: SagaEvent) => service.shipmentState(event.sessionId, event.orderId);
  const shippingDelay = demoDelay(deps.settings, "shippingDelayMs");

  /** What shipping draws on. The failure rate is read when the shipment is made, so a knob changed meanwhile applies. */
  const shipmentContext = ({ sessionId, orderId }: SagaEvent): ShipmentContext => ({
    random: deps.random,
    failureRate: deps.settings.of(sessionId).shippingFailureRate,
    newShipmentId,
    orderIsCancelled: () => deps.bus.queries.orderHasEventOf(sessionId, orderId, ["ORDER_CANCELLATION_REQUESTED", "ORDER_CANCELLED"]),
  });
  /**
   * An orchestrator's CREATE_SHIPMENT is always answered: it waits for the reply before it undoes
   * anything, so a cancel asked for meanwhile is its to carry out (CANCEL_SHIPMENT), never shipping's
   * to pre-empt by staying silent.
   */
  const commandedContext = (event: SagaEvent): ShipmentContext => ({ ...shipmentContext(event), orderIsCancelled: () => false });

  function apply({ sessionId, orderId }: SagaEvent, outcome: ShippingOutcome, { now, emit }: SagaReactionContext): undefined {
    switch (outcome.type) {
      case "ignore":
        break;
      case "create":
        service.createShipment(sessionId, orderId, outcome.shipmentId, outcome.status, outcome.reason, now);
        break;
      case "move":
        service.moveShipment(sessionId, outcome.shipmentId, outcome.from, outcome.to, outcome.reason, now);
        break;
      case "emit":
        emit(outcome.event);
        break;
    }
  }

  return [
    sagaReaction({
      name: "shipping.shipOrderWhenPaid",
      on: "PAYMENT_SUCCESS",
      styles: choreography,
      delayMs: (event) => (event.data.shipment ? shippingDelay({ sessionId: event.sessionId, data: event.data.shipment }) : null),
      load,
      decide: (event, shipment) => onPaymentSucceeded(event, shipment, shipmentContext(event)),
      apply,
    }),
    sagaReaction({
      name: "shipping.cancelShipmentWhenCancellationRequested",
      on: "ORDER_CANCELLATION_REQUESTED",
      styles: choreography,
      delayMs: (event) => (undoesAShipmentStep(event) ? 0 : null),
      load,
      decide: onCancellationRequested,
      apply,
    }),
    sagaReaction({
      name: "shipping.cancelShipmentWhenOrderCancelled",
      on: "ORDER_CANCELLED",
      styles: choreography,
      delayMs: (event) => (undoesAShipmentStep(event) ? 0 : null),
      load,
      decide: onOrderCancelled,
      apply,
    }),
    // Orchestration: the same rules, triggered by the orchestrator's commands to shipping.
    sagaReaction({
      name: "shipping.shipOrderOnCommand",
      on: "CREATE_SHIPMENT",
      delayMs: shippingDelay,
      load,
      decide: (event, shipment) => decideShipment(event.data, shipment, commandedContext(event)),
      apply,
    }),
    sagaReaction({
      name: "shipping.cancelShipmentOnCommand",
      on: "CANCEL_SHIPMENT",
      load,
      decide: (event, shipment) => decideCancelShipment(shipment, `Order cancelled: ${event.data.reason}`),
      apply,
    }),
  ];
}
