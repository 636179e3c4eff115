import { describe, test } from "bun:test";
import {
  onPaymentRefunded,
  onStockConfirmed,
  onStockReleased,
  onStockReserved,
  onStockUnavailable,
} from "../../src/modules/orders/orders.decide";
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
      .then([{ type: "markProcessing", totalCents: 12495 }]);
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
        { type: "complete", totalCents: 12495 },
        { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
      ]);
  });
  test("confirmation overtaking the reservation still completes a PENDING order", () => {
    spec
      .given({ status: "PENDING", cancellationRequestedBy: null })
      .when(confirmed)
      .then([
        { type: "complete", totalCents: 12495 },
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
        { type: "cancel", cancellationSource: "inventory_depleted", errorMessage },
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
        { type: "cancel", cancellationSource: "payment_failed", errorMessage: released.data.reason },
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
        { type: "cancel", cancellationSource: "operator", errorMessage: "Payment refunded: reset" },
        { type: "emit", event: { type: "ORDER_CANCELLED", data: { cancellationSource: "operator", reason: "Payment refunded: reset" } } },
      ]);
    spec
      .given({ status: "CANCELLED", cancellationRequestedBy: null })
      .when(refunded)
      .then([{ type: "ignore", reason: "an order CANCELLED cannot become CANCELLED" }]);
  });
});
