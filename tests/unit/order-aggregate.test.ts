import { describe, expect, test } from "bun:test";
import {
  BrokenStreamError,
  differingFields,
  evolve,
  foldStream,
  type OrderStreamEvent,
  type OrderView,
  statesOf,
} from "../../src/modules/orders/order-aggregate";
import type { OrderRow } from "../../src/modules/orders/orders.sql";
import { atVersion } from "../../src/modules/orders/orders.store";
import { legacyStream, loggedMoves } from "../../src/modules/orders/orders.upgrade";
import { decisionSpec } from "../support/decision-spec";

const at = Date.UTC(2026, 0, 1);
const created: OrderStreamEvent = {
  type: "ORDER_CREATED",
  version: 1,
  at,
  data: {
    sagaId: "saga-1",
    userId: null,
    items: [{ product: "mouse-pad", quantity: 5 }],
    paymentBehaviour: "success",
    inventoryBehaviour: "success",
    skipDemoDelays: true,
    sagaStyle: "choreography",
    shippingBehaviour: null,
  },
};
const pending: OrderView = {
  version: 1,
  sagaId: "saga-1",
  userId: null,
  items: [{ product: "mouse-pad", quantity: 5 }],
  status: "PENDING",
  paymentBehaviour: "success",
  inventoryBehaviour: "success",
  skipDemoDelays: true,
  sagaStyle: "choreography",
  shippingBehaviour: null,
  totalCents: 0,
  errorMessage: null,
  cancellationSource: null,
  cancellationRequestedBy: null,
  createdAt: at,
  updatedAt: at,
  completedAt: null,
};
const processing: OrderView = { ...pending, version: 2, status: "PROCESSING", totalCents: 12495, updatedAt: at + 10 };

describe("the order aggregate: evolve", () => {
  const spec = decisionSpec((event: OrderStreamEvent, state: OrderView | undefined) => [evolve(state, event)]);
  test("ORDER_CREATED starts the order PENDING, unpriced, at version 1", () => {
    spec.given(undefined).when(created).then([pending]);
  });
  test("ORDER_PROCESSING_STARTED prices it and moves it to PROCESSING", () => {
    spec
      .given(pending)
      .when({ type: "ORDER_PROCESSING_STARTED", version: 2, at: at + 10, data: { totalCents: 12495 } })
      .then([processing]);
  });
  test("ORDER_COMPLETED ends it: completed when recorded", () => {
    spec
      .given(processing)
      .when({ type: "ORDER_COMPLETED", version: 3, at: at + 20, data: { totalCents: 12495 } })
      .then([{ ...processing, version: 3, status: "COMPLETED", updatedAt: at + 20, completedAt: at + 20 }]);
  });
  test("ORDER_CANCELLATION_REQUESTED records who asked, and leaves the status", () => {
    spec
      .given(processing)
      .when({ type: "ORDER_CANCELLATION_REQUESTED", version: 3, at: at + 30, data: { cancellationSource: "customer" } })
      .then([{ ...processing, version: 3, cancellationRequestedBy: "customer", updatedAt: at + 30 }]);
  });
  test("ORDER_CANCELLED ends it with its source and message, keeping the price it had", () => {
    const why = { cancellationSource: "payment_failed" as const, errorMessage: "Payment failed: card_declined" };
    spec
      .given(processing)
      .when({ type: "ORDER_CANCELLED", version: 3, at: at + 40, data: why })
      .then([{ ...processing, version: 3, status: "CANCELLED", ...why, updatedAt: at + 40, completedAt: at + 40 }]);
  });
  test("a stream that skips a version, starts without ORDER_CREATED or creates twice is broken", () => {
    const completed: OrderStreamEvent = { type: "ORDER_COMPLETED", version: 3, at, data: { totalCents: 1 } };
    expect(() => evolve(pending, completed)).toThrow(BrokenStreamError);
    expect(() => evolve(undefined, { ...completed, version: 1 })).toThrow(BrokenStreamError);
    expect(() => evolve(pending, { ...created, version: 2 })).toThrow(BrokenStreamError);
  });
});

describe("the order aggregate: folds", () => {
  const stream: OrderStreamEvent[] = [
    created,
    { type: "ORDER_PROCESSING_STARTED", version: 2, at: at + 10, data: { totalCents: 12495 } },
    { type: "ORDER_COMPLETED", version: 3, at: at + 20, data: { totalCents: 12495 } },
  ];
  test("the fold of a stream is its last state; the history, each state in turn", () => {
    const states = statesOf(stream);
    expect(states.map(({ event, state }) => [event.version, state.status])).toEqual([
      [1, "PENDING"],
      [2, "PROCESSING"],
      [3, "COMPLETED"],
    ]);
    expect(foldStream(stream)).toEqual(states[2]?.state as OrderView);
    expect(foldStream([])).toBeUndefined();
  });
  test("two views differ in the fields that differ (lines compared as a whole)", () => {
    expect(differingFields(processing, processing)).toEqual([]);
    expect(differingFields(processing, { ...processing, totalCents: 1, items: [] })).toEqual(["items", "totalCents"]);
  });
  test("the changes of one decision take the next versions, one each", () => {
    const change = { type: "ORDER_COMPLETED" as const, data: { totalCents: 1 } };
    expect(
      atVersion(4, [
        { type: "record", change },
        { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 1 } } },
        { type: "record", change },
      ]),
    ).toEqual([
      { type: "record", change, version: 5 },
      { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 1 } } },
      { type: "record", change, version: 6 },
    ]);
  });
});

describe("orders written before streams: their stream from their log and row", () => {
  const row = (columns: Partial<OrderRow>): OrderRow => ({
    id: "order-1",
    sessionId: "workshop",
    ...pending,
    ...columns,
  });
  const lines = [{ product: "mouse-pad", quantity: 5 }];
  const types = (stream: OrderStreamEvent[]) => stream.map((event) => event.type);
  const foldsTo = (given: OrderRow, stream: OrderStreamEvent[]) => {
    const { id: _id, sessionId: _sessionId, ...columns } = given;
    expect(foldStream(stream)).toEqual({ ...columns, items: lines, version: stream.length });
  };

  test("a completed order: created, processing when the stock was reserved, completed when it completed", () => {
    const completed = row({ status: "COMPLETED", totalCents: 12495, updatedAt: at + 20, completedAt: at + 20 });
    const stream = legacyStream(completed, lines, { INVENTORY_RESERVED: at + 8, ORDER_COMPLETED: at + 19 });
    expect(types(stream)).toEqual(["ORDER_CREATED", "ORDER_PROCESSING_STARTED", "ORDER_COMPLETED"]);
    expect(stream.map((event) => event.at)).toEqual([at, at + 8, at + 20]);
    foldsTo(completed, stream);
  });
  test("a completed order the customer cancelled: completed, then asked, then cancelled when its money came back", () => {
    const undone = row({
      status: "CANCELLED",
      totalCents: 12495,
      cancellationRequestedBy: "customer",
      cancellationSource: "customer",
      errorMessage: "Payment refunded: cancelled",
      updatedAt: at + 50,
      completedAt: at + 50,
    });
    const logged = {
      INVENTORY_RESERVED: at + 8,
      ORDER_COMPLETED: at + 20,
      ORDER_CANCELLATION_REQUESTED: at + 30,
      ORDER_CANCELLED: at + 50,
    };
    const stream = legacyStream(undone, lines, logged);
    expect(types(stream)).toEqual([
      "ORDER_CREATED",
      "ORDER_PROCESSING_STARTED",
      "ORDER_COMPLETED",
      "ORDER_CANCELLATION_REQUESTED",
      "ORDER_CANCELLED",
    ]);
    foldsTo(undone, stream);
  });
  test("a log an orders reset cut short: the row alone says the order was priced and cancelled", () => {
    const cancelled = row({
      status: "CANCELLED",
      totalCents: 999,
      cancellationSource: "timeout",
      errorMessage: "Order not final",
      updatedAt: at + 5,
      completedAt: at + 5,
    });
    const stream = legacyStream(cancelled, lines, {});
    expect(types(stream)).toEqual(["ORDER_CREATED", "ORDER_PROCESSING_STARTED", "ORDER_CANCELLED"]);
    foldsTo(cancelled, stream);
  });
  test("an order still waiting for inventory is its ORDER_CREATED alone", () => {
    const waiting = row({});
    expect(types(legacyStream(waiting, lines, {}))).toEqual(["ORDER_CREATED"]);
    foldsTo(waiting, legacyStream(waiting, lines, {}));
  });
  test("the log's first move of each kind counts (a reset's ORDER_CANCELLED again is not a second end)", () => {
    const events = [
      { type: "ORDER_CREATED" as const, timestamp: at },
      { type: "ORDER_CANCELLED" as const, timestamp: at + 5 },
      { type: "PAYMENT_REFUNDED" as const, timestamp: at + 6 },
      { type: "ORDER_CANCELLED" as const, timestamp: at + 9 },
    ];
    expect(loggedMoves(events)).toEqual({ ORDER_CANCELLED: at + 5 });
  });
});
