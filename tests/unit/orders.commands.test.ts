import { describe, test } from "bun:test";
import type { OrderStatus } from "../../src/modules/orders/order-status";
import {
  decideIdempotentOrder,
  decidePlaceOrder,
  IDEMPOTENCY_KEY_TTL_MS,
  type OrderOutcome,
  type OrderState,
  onOrderTimedOut,
  requestCancellation,
} from "../../src/modules/orders/orders.decide";
import type { RequestedCancellation } from "../../src/modules/saga-terms";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const order = (status: OrderStatus, cancellationRequestedBy: RequestedCancellation | null = null): OrderState => ({
  status,
  cancellationRequestedBy,
});
const asked = (source: RequestedCancellation, reason: string): OrderOutcome[] => [
  { type: "record", change: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: source } } },
  { type: "emit", event: { type: "ORDER_CANCELLATION_REQUESTED", data: { cancellationSource: source, reason } } },
];

describe("orders: a cancellation is asked for", () => {
  const spec = decisionSpec((request: { source: RequestedCancellation; reason: string }, state: OrderState) =>
    requestCancellation(state, request.source, request.reason),
  );
  const customer = { source: "customer" as const, reason: "Changed my mind" };
  test("given an order in flight or completed, then the request is recorded once and announced", () => {
    spec.given(order("PROCESSING")).when(customer).then(asked("customer", "Changed my mind"));
    spec.given(order("COMPLETED")).when(customer).then(asked("customer", "Changed my mind"));
  });
  test("given a cancelled order, then it is refused (the API answers 409)", () => {
    spec
      .given(order("CANCELLED"))
      .when(customer)
      .then([{ type: "refuse", reason: "The order is already cancelled" }]);
  });
  test("given a request already recorded, then nothing more", () => {
    spec
      .given(order("PROCESSING", "operator"))
      .when(customer)
      .then([{ type: "ignore", reason: "cancellation was already requested (operator)" }]);
  });
  test("given an order a reset removed, then nothing", () => {
    spec
      .given(undefined)
      .when(customer)
      .then([{ type: "ignore", reason: "the order no longer exists" }]);
  });
  test("a timeout does not cancel an order that completed in time", () => {
    spec
      .given(order("COMPLETED"))
      .when({ source: "timeout", reason: "late" })
      .then([{ type: "ignore", reason: "the order completed in time" }]);
  });
});

describe("orders: the order's deadline comes", () => {
  const created = sagaEvent("ORDER_CREATED", {
    items: [{ product: "mouse-pad", quantity: 5 }],
    paymentBehaviour: "success",
    inventoryBehaviour: "success",
    paymentBehaviourGiven: true,
    inventoryBehaviourGiven: true,
    skipDemoDelays: true,
    userId: null,
    sagaStyle: "choreography",
  });
  const spec = decisionSpec((event: typeof created, state: OrderState) => onOrderTimedOut(event, state, { timeoutMs: 30_000 }));
  test("given an order not final, then its cancellation is asked for as a timeout", () => {
    spec.given(order("PENDING")).when(created).then(asked("timeout", "Order not final after 30000 ms"));
    spec.given(order("PROCESSING")).when(created).then(asked("timeout", "Order not final after 30000 ms"));
  });
  test("given an order final by then, then nothing", () => {
    spec
      .given(order("COMPLETED"))
      .when(created)
      .then([{ type: "ignore", reason: "the order is COMPLETED" }]);
    spec
      .given(order("CANCELLED"))
      .when(created)
      .then([{ type: "ignore", reason: "the order is CANCELLED" }]);
  });
  test("given a cancellation already asked for, then nothing more", () => {
    spec
      .given(order("PROCESSING", "customer"))
      .when(created)
      .then([{ type: "ignore", reason: "cancellation was already requested (customer)" }]);
  });
});

describe("orders: placing an order within the session's quota", () => {
  const quota = { maxOrdersPerSession: 3, maxOrderLinesPerSession: 10 };
  const spec = decisionSpec((lines: number, used: { orders: number; lines: number }) => [decidePlaceOrder(used, lines, quota)]);
  test("given room for one more order and its lines, then it is placed and counted", () => {
    spec
      .given({ orders: 2, lines: 6 })
      .when(4)
      .then([{ type: "place", usage: { orders: 3, lines: 10 } }]);
  });
  test("given the orders quota reached, then it is refused", () => {
    spec
      .given({ orders: 3, lines: 0 })
      .when(1)
      .then([{ type: "refuse", reason: "This session keeps 3 orders, its quota (3); POST /orders/reset or DELETE /session first" }]);
  });
  test("given lines that would pass the lines quota, then it is refused", () => {
    spec
      .given({ orders: 0, lines: 8 })
      .when(3)
      .then([
        {
          type: "refuse",
          reason:
            "This order's 3 lines would take the session past its quota of 10 order lines (it keeps 8); POST /orders/reset or DELETE /session first",
        },
      ]);
  });
});

describe("orders: an Idempotency-Key", () => {
  const now = Date.UTC(2026, 0, 2);
  const spec = decisionSpec((bodyHash: string, known: { bodyHash: string; orderId: string; createdAt: number } | undefined) => [
    decideIdempotentOrder(known, bodyHash, now),
  ]);
  const known = { bodyHash: "abc", orderId: "order-1", createdAt: now - 1_000 };
  test("given a new key, then the order is placed", () => {
    spec
      .given(undefined)
      .when("abc")
      .then([{ type: "place" }]);
  });
  test("given the key with the same body within 24 h, then the first order answers again", () => {
    spec
      .given(known)
      .when("abc")
      .then([{ type: "replay", orderId: "order-1" }]);
  });
  test("given the key with another body, then it is refused (422)", () => {
    spec
      .given(known)
      .when("def")
      .then([{ type: "refuse" }]);
  });
  test("given the key 24 h old, then it no longer counts", () => {
    spec
      .given({ ...known, createdAt: now - IDEMPOTENCY_KEY_TTL_MS })
      .when("def")
      .then([{ type: "place" }]);
  });
});
