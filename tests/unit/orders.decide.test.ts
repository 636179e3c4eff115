import { describe, expect, test } from "bun:test";
import type { OrderStatus } from "../../src/modules/orders/order-status";
import {
  type OrderOutcome,
  type OrderState,
  onOrdersReset,
  onPaymentRefunded,
  onStockConfirmed,
  onStockReleased,
  onStockReserved,
  onStockUnavailable,
  orderTimeoutDelay,
  requestCancellation,
  type SagaAtReset,
  shipmentTermsOf,
} from "../../src/modules/orders/orders.decide";
import type { RequestedCancellation } from "../../src/modules/saga-terms";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

// The seed's order: 5 Mouse Pads at $24.99.
const fivePads = [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }];
const reserved = sagaEvent("INVENTORY_RESERVED", {
  reservationId: "res-1",
  items: fivePads,
  totalCents: 12495,
  paymentBehaviour: "success",
  paymentBehaviourGiven: true,
  skipDemoDelays: true,
  expiresAt: null,
});
const confirmed = sagaEvent("INVENTORY_CONFIRMED", { reservationId: "res-1", items: fivePads, totalCents: 12495 });

describe("orders: stock reserved", () => {
  const spec = decisionSpec(onStockReserved);
  test("a PENDING order moves to PROCESSING with inventory's price", () => {
    spec
      .given({ status: "PENDING", cancellationRequestedBy: null })
      .when(reserved)
      .then([{ type: "record", change: { type: "ORDER_PROCESSING_STARTED", data: { totalCents: 12495 } } }]);
  });
  test("a finished order never moves back", () => {
    spec
      .given({ status: "COMPLETED", cancellationRequestedBy: null })
      .when(reserved)
      .then([{ type: "ignore", reason: "an order COMPLETED cannot become PROCESSING" }]);
  });
  test("an order that a reset removed is left alone", () => {
    spec
      .given(undefined)
      .when(reserved)
      .then([{ type: "ignore", reason: "the order no longer exists" }]);
  });
  test("stock reserved for a cancelled order: the cancellation is announced again, so it is handed back", () => {
    spec
      .given({ status: "CANCELLED", cancellationRequestedBy: "customer", cancellationSource: "customer" })
      .when(reserved)
      .then([
        {
          type: "emit",
          event: {
            type: "ORDER_CANCELLED",
            data: { cancellationSource: "customer", reason: "Stock was reserved after the order was cancelled" },
          },
        },
      ]);
  });
});

describe("orders: stock confirmed", () => {
  const spec = decisionSpec(onStockConfirmed);
  test("a PROCESSING order completes and says so", () => {
    spec
      .given({ status: "PROCESSING", cancellationRequestedBy: null })
      .when(confirmed)
      .then([
        { type: "record", change: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
        { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
      ]);
  });
  test("confirmation overtaking the reservation still completes a PENDING order", () => {
    spec
      .given({ status: "PENDING", cancellationRequestedBy: null })
      .when(confirmed)
      .then([
        { type: "record", change: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
        { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
      ]);
  });
  test("a cancelled order is not completed", () => {
    spec
      .given({ status: "CANCELLED", cancellationRequestedBy: null })
      .when(confirmed)
      .then([{ type: "ignore", reason: "an order CANCELLED cannot become COMPLETED" }]);
  });
});

describe("orders: stock unavailable", () => {
  const spec = decisionSpec(onStockUnavailable);
  const short = sagaEvent("INVENTORY_FAILED", {
    stage: "reserve",
    reason: "Insufficient stock: laptop (requested: 999, available: 5)",
    items: [{ product: "laptop", requested: 999, available: 5 }],
    cause: null,
  });
  test("out of stock cancels as inventory_depleted with inventory's sentence", () => {
    const errorMessage = "Inventory failed: Insufficient stock: laptop (requested: 999, available: 5)";
    spec
      .given({ status: "PENDING", cancellationRequestedBy: null })
      .when(short)
      .then([
        { type: "record", change: { type: "ORDER_CANCELLED", data: { cancellationSource: "inventory_depleted", errorMessage } } },
        { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource: "inventory_depleted", reason: errorMessage } } },
      ]);
  });
  test("a failed confirmation is left to the refund that follows it", () => {
    const failedConfirm = sagaEvent("INVENTORY_FAILED", { stage: "confirm", reason: "reset", items: [], cause: null });
    spec
      .given({ status: "PROCESSING", cancellationRequestedBy: null })
      .when(failedConfirm)
      .then([{ type: "ignore", reason: "a failed confirmation ends with its refund" }]);
  });
});

describe("orders: stock released and payment refunded", () => {
  test("released stock cancels with the cause inventory names", () => {
    const released = sagaEvent("INVENTORY_RELEASED", {
      reservationId: "res-1",
      items: fivePads,
      cause: "payment_failed",
      reason: "Payment failed: card_declined (paymentBehaviour: failure)",
    });
    decisionSpec(onStockReleased)
      .given({ status: "PROCESSING", cancellationRequestedBy: null })
      .when(released)
      .then([
        {
          type: "record",
          change: { type: "ORDER_CANCELLED", data: { cancellationSource: "payment_failed", errorMessage: released.data.reason } },
        },
        { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource: "payment_failed", reason: released.data.reason } } },
      ]);
  });
  test("a refund cancels as operator; an order cancelled already stays as it is", () => {
    const refunded = sagaEvent("PAYMENT_REFUNDED", { paymentId: "txn_1", amountCents: 12495, reason: "reset", cause: null });
    const spec = decisionSpec(onPaymentRefunded);
    spec
      .given({ status: "PROCESSING", cancellationRequestedBy: null })
      .when(refunded)
      .then([
        {
          type: "record",
          change: { type: "ORDER_CANCELLED", data: { cancellationSource: "operator", errorMessage: "Payment refunded: reset" } },
        },
        { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource: "operator", reason: "Payment refunded: reset" } } },
      ]);
    spec
      .given({ status: "CANCELLED", cancellationRequestedBy: null })
      .when(refunded)
      .then([{ type: "ignore", reason: "an order CANCELLED cannot become CANCELLED" }]);
  });
});

describe("orders: an orders reset drops a saga's history", () => {
  const spec = decisionSpec((_reset: "orders reset", saga: SagaAtReset) => onOrdersReset(saga));
  const compensate: OrderOutcome[] = [
    {
      type: "emit",
      event: {
        type: "ORDER_CANCELLED",
        data: { cancellationSource: "operator", reason: "Orders were reset while the saga was in flight" },
      },
    },
  ];
  const order = (status: OrderStatus, cancellationRequestedBy: RequestedCancellation | null = null) => ({
    status,
    cancellationRequestedBy,
  });
  test("a saga in flight that holds stock or money is cancelled", () => {
    spec
      .given({ order: order("PROCESSING"), mayHold: true, pendingWork: true })
      .when("orders reset")
      .then(compensate);
    spec
      .given({ order: order("PENDING"), mayHold: true, pendingWork: false })
      .when("orders reset")
      .then(compensate);
  });
  test("a saga still waiting for inventory holds nothing: dropping its ORDER_CREATED ends it", () => {
    spec
      .given({ order: order("PENDING"), mayHold: false, pendingWork: true })
      .when("orders reset")
      .then([{ type: "ignore", reason: "nothing is reserved for it yet" }]);
  });
  test("a completed order whose cancel was accepted is cancelled, however far its cancel had got", () => {
    for (const pendingWork of [true, false]) {
      spec
        .given({ order: order("COMPLETED", "customer"), mayHold: true, pendingWork })
        .when("orders reset")
        .then(compensate);
      spec
        .given({ order: order("COMPLETED", "operator"), mayHold: true, pendingWork })
        .when("orders reset")
        .then(compensate);
    }
    spec
      .given({ order: order("PROCESSING", "customer"), mayHold: false, pendingWork: true })
      .when("orders reset")
      .then(compensate);
  });
  test("a completed sale no one asked to cancel stays sold", () => {
    spec
      .given({ order: order("COMPLETED"), mayHold: true, pendingWork: true })
      .when("orders reset")
      .then([{ type: "ignore", reason: "a completed sale stays sold" }]);
  });
  test("a cancelled order with work still ahead (a refund scheduled, held or dead-lettered) is cancelled again, so nothing it held is kept", () => {
    spec
      .given({ order: order("CANCELLED", "customer"), mayHold: true, pendingWork: true })
      .when("orders reset")
      .then(compensate);
  });
  test("a cancelled order with nothing ahead is done", () => {
    spec
      .given({ order: order("CANCELLED", "customer"), mayHold: true, pendingWork: false })
      .when("orders reset")
      .then([{ type: "ignore", reason: "its compensation is done" }]);
  });
  test("what an earlier reset left of a saga: cancelled again while its compensation is still on its way", () => {
    spec.given({ order: undefined, mayHold: true, pendingWork: true }).when("orders reset").then(compensate);
    spec
      .given({ order: undefined, mayHold: true, pendingWork: false })
      .when("orders reset")
      .then([{ type: "ignore", reason: "its compensation is done" }]);
    spec
      .given({ order: undefined, mayHold: false, pendingWork: true })
      .when("orders reset")
      .then([{ type: "ignore", reason: "its compensation is done" }]);
  });
});

describe("orders: the shipment step, fixed when the order is placed", () => {
  test("given the session's shipmentStep off, when an order is placed, then it asks nothing of shipping, whatever it names", () => {
    expect(shipmentTermsOf(false, { shippingBehaviour: "failure", skipDemoDelays: false })).toBeUndefined();
  });
  test("given it on, the order's shippingBehaviour, or success with the session's rate deciding when it named none", () => {
    expect(shipmentTermsOf(true, { shippingBehaviour: "failure", skipDemoDelays: true })).toEqual({
      behaviour: "failure",
      behaviourGiven: true,
      skipDemoDelays: true,
    });
    expect(shipmentTermsOf(true, { skipDemoDelays: false })).toEqual({
      behaviour: "success",
      behaviourGiven: false,
      skipDemoDelays: false,
    });
  });
  test("given an order with the step, when its stock is released, then ORDER_CANCELLED says so, so shipping takes part", () => {
    decisionSpec(onStockReleased)
      .given({ status: "PROCESSING", cancellationRequestedBy: null, shipmentStep: true })
      .when(sagaEvent("INVENTORY_RELEASED", { reservationId: "res-1", items: [], cause: "shipment_failed", reason: "Shipment failed: x" }))
      .then([
        {
          type: "record",
          change: { type: "ORDER_CANCELLED", data: { cancellationSource: "shipment_failed", errorMessage: "Shipment failed: x" } },
        },
        {
          type: "emit",
          event: {
            type: "ORDER_CANCELLED",
            data: { cancellationSource: "shipment_failed", reason: "Shipment failed: x", shipmentStep: true },
          },
        },
      ]);
  });
  test("given an order with the step, when its cancellation is asked for, then the request says so; without the step it says nothing", () => {
    expect(requestCancellation({ status: "COMPLETED", cancellationRequestedBy: null, shipmentStep: true }, "customer", "asked")).toEqual([
      { type: "record", change: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: "customer" } } },
      {
        type: "emit",
        event: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: "customer", reason: "asked", shipmentStep: true } },
      },
    ]);
    expect(requestCancellation({ status: "COMPLETED", cancellationRequestedBy: null }, "customer", "asked")).toEqual([
      { type: "record", change: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: "customer" } } },
      { type: "emit", event: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: "customer", reason: "asked" } } },
    ]);
  });
});

describe("orders: the relay reaches ORDER_CREATED, and schedules the order's deadline", () => {
  // Given the order as it is when the relay reaches its first event, when the session's timeout is 300 s, then this delay.
  const spec = decisionSpec((timeoutMs: number, order: OrderState) => [orderTimeoutDelay(order, timeoutMs)]);
  for (const status of ["PENDING", "PROCESSING"] as const) {
    test(`an order ${status}: due after the session's orderTimeoutMs`, () => {
      spec.given({ status, cancellationRequestedBy: null }).when(300_000).then([300_000]);
    });
  }
  for (const status of ["COMPLETED", "CANCELLED"] as const) {
    test(`an order already ${status} (an rpc chain can end first): no deadline at all`, () => {
      spec.given({ status, cancellationRequestedBy: null }).when(300_000).then([null]);
    });
  }
  test("an order reset away: no deadline", () => {
    spec.given(undefined).when(300_000).then([null]);
  });
});
