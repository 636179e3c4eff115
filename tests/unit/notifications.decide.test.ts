import { describe, expect, test } from "bun:test";
import type { SagaEvent } from "../../src/modules/events";
import { messageFor, notificationFor, recipientFor } from "../../src/modules/notifications/notifications.decide";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const spec = decisionSpec((event: SagaEvent, _customer: "any customer") => [messageFor(event)]);
const created = (userId: string | null) =>
  sagaEvent("ORDER_CREATED", {
    items: [
      { product: "mouse-pad", quantity: 5 },
      { product: "usb-cable", quantity: 1 },
    ],
    paymentBehaviour: "success",
    inventoryBehaviour: "success",
    paymentBehaviourGiven: true,
    inventoryBehaviourGiven: true,
    skipDemoDelays: true,
    userId,
    sagaStyle: "choreography",
  });
const cancelled = (cancellationSource: "inventory_depleted" | "payment_failed" | "customer" | "timeout" | "operator") =>
  sagaEvent("ORDER_CANCELLED", { cancellationSource, reason: "why" });

describe("notifications: what a customer is told", () => {
  test("an order placed is received, naming its lines", () => {
    spec
      .given("any customer")
      .when(created("u-1"))
      .then([
        { kind: "received", subject: "We received your order", body: "Your order of 5 × mouse-pad, 1 × usb-cable is being processed." },
      ]);
  });
  test("a completed order is confirmed with what was charged", () => {
    spec
      .given("any customer")
      .when(sagaEvent("ORDER_COMPLETED", { totalCents: 12495 }))
      .then([{ kind: "confirmed", subject: "Order confirmed", body: "Your order is confirmed: $124.95 charged." }]);
  });
  test("a cancellation says why: out of stock, payment failed, or who cancelled it", () => {
    spec
      .given("any customer")
      .when(cancelled("inventory_depleted"))
      .then([{ kind: "out_of_stock", subject: "Sorry, out of stock", body: "We could not reserve your items: why" }]);
    spec
      .given("any customer")
      .when(cancelled("payment_failed"))
      .then([
        { kind: "payment_failed", subject: "Payment failed", body: "Your payment did not go through, so the order was cancelled. why" },
      ]);
    spec
      .given("any customer")
      .when(cancelled("customer"))
      .then([{ kind: "cancelled", subject: "Order cancelled", body: "Your order was cancelled as you asked." }]);
    spec
      .given("any customer")
      .when(cancelled("timeout"))
      .then([{ kind: "cancelled", subject: "Order cancelled", body: "Your order was cancelled because it took too long." }]);
    spec
      .given("any customer")
      .when(cancelled("operator"))
      .then([{ kind: "cancelled", subject: "Order cancelled", body: "Your order was cancelled by our staff." }]);
  });
  test("a refund names the money; a refund of nothing charged (the payment was reset away) tells nothing", () => {
    const refunded = (paymentId: string | null) =>
      sagaEvent("PAYMENT_REFUNDED", { paymentId, amountCents: 12495, reason: "cancelled", cause: "customer" });
    spec
      .given("any customer")
      .when(refunded("pay-1"))
      .then([{ kind: "refunded", subject: "Refund issued", body: "$124.95 is on its way back to you." }]);
    spec.given("any customer").when(refunded(null)).then([null]);
  });
  test("the saga's other steps tell nothing", () => {
    spec
      .given("any customer")
      .when(sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource: "customer", reason: "why" }))
      .then([null]);
  });
});

describe("notifications: who is told", () => {
  test("the order's userId, carried by ORDER_CREATED; nothing else is asked", () => {
    let asked = 0;
    expect(recipientFor(created("u-1"), () => `${++asked}`)).toBe("u-1");
    expect(asked).toBe(0);
  });
  test("a later message goes to whoever the first remembered, else to the customer", () => {
    expect(recipientFor(sagaEvent("ORDER_COMPLETED", { totalCents: 1 }), () => "u-1")).toBe("u-1");
    expect(recipientFor(sagaEvent("ORDER_COMPLETED", { totalCents: 1 }), () => undefined)).toBe("the customer");
    expect(recipientFor(created(null), () => undefined)).toBe("the customer");
  });
});

describe("notifications: what one event records", () => {
  const notify = decisionSpec(notificationFor);
  test("a message goes to the recipient the first message remembered", () => {
    notify
      .given(() => "u-1")
      .when(sagaEvent("ORDER_COMPLETED", { totalCents: 1250 }))
      .then([
        { recipient: "u-1", message: { kind: "confirmed", subject: "Order confirmed", body: "Your order is confirmed: $12.50 charged." } },
      ]);
  });
  test("an event that tells nothing records nothing, and never asks who the customer is", () => {
    let asked = 0;
    notify
      .given(() => `${++asked}`)
      .when(sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource: "customer", reason: "why" }))
      .then([]);
    expect(asked).toBe(0);
  });
});
