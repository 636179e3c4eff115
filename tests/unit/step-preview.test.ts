import { describe, expect, test } from "bun:test";
import {
  type PreviewDelivery,
  predictionChoices,
  predictionVerdict,
  type SubscribedReaction,
  stepPreview,
} from "../../src/dashboard/step-preview";

const delivery = (id: number, orderId: string | null, reaction = "inventory.reserveStockWhenOrderCreated"): PreviewDelivery => ({
  id,
  eventType: "ORDER_CREATED",
  orderId,
  reaction,
});

/** A registry in subscription order: two reactions to ORDER_CREATED, then the rest. */
const registry: SubscribedReaction[] = [
  { name: "notifications.notifyOnOrderCreated", on: "ORDER_CREATED" },
  { name: "inventory.reserveStockWhenOrderCreated", on: "ORDER_CREATED" },
  { name: "orders.markProcessingWhenStockReserved", on: "INVENTORY_RESERVED" },
  { name: "payments.chargeWhenStockReserved", on: "INVENTORY_RESERVED" },
  { name: "inventory.confirmReservationWhenPaid", on: "PAYMENT_SUCCESS" },
  { name: "orchestrator.startSagaWhenOrderCreated", on: "ORDER_CREATED" },
];

describe("what the bus panel says Step runs next", () => {
  test("given the newest order's delivery first, when previewed, then it is named and nothing runs before it", () => {
    const scheduled = [delivery(7, "order-2"), delivery(3, "order-1")];
    expect(stepPreview(scheduled, scheduled[0] ?? null, "order-2")).toEqual({
      next: delivery(7, "order-2"),
      aheadOfNewest: 0,
      newestOrderId: "order-2",
    });
  });
  test("given three deliveries of an earlier order due first, when previewed, then 3 run before the newest order's", () => {
    const scheduled = [delivery(1, "order-1"), delivery(2, "order-1"), delivery(4, null), delivery(9, "order-2")];
    expect(stepPreview(scheduled, scheduled[0] ?? null, "order-2")).toMatchObject({ next: { id: 1 }, aheadOfNewest: 3 });
  });
  test("given the newest order has nothing waiting (or there is no order), then nothing is counted before it", () => {
    const scheduled = [delivery(1, "order-1")];
    expect(stepPreview(scheduled, scheduled[0] ?? null, "order-2").aheadOfNewest).toBe(0);
    expect(stepPreview(scheduled, scheduled[0] ?? null, null).aheadOfNewest).toBe(0);
  });
  test("given nothing scheduled, then there is no next delivery", () => {
    expect(stepPreview([], null, "order-1")).toEqual({ next: null, aheadOfNewest: 0, newestOrderId: "order-1" });
  });
});

describe('the choices of "What happens next?"', () => {
  test("given the answer, when asked, then the other reactions to its event first, then the registry after it, in name order", () => {
    expect(predictionChoices("inventory.reserveStockWhenOrderCreated", registry)).toEqual([
      "inventory.reserveStockWhenOrderCreated",
      // the reactions to the same event, ORDER_CREATED:
      "notifications.notifyOnOrderCreated",
      "orchestrator.startSagaWhenOrderCreated",
      // then the first subscribed after the answer:
      "orders.markProcessingWhenStockReserved",
    ]);
  });
  test("given the answer last in the registry, then the distractors wrap round to its start", () => {
    expect(predictionChoices("inventory.confirmReservationWhenPaid", registry, 3)).toEqual([
      "inventory.confirmReservationWhenPaid",
      "notifications.notifyOnOrderCreated",
      "orchestrator.startSagaWhenOrderCreated",
    ]);
  });
  test("given the same answer twice, then the same choices: every screen asks the same question", () => {
    expect(predictionChoices("payments.chargeWhenStockReserved", registry)).toEqual(
      predictionChoices("payments.chargeWhenStockReserved", [...registry]),
    );
  });
  test("given fewer reactions than choices, then every reaction once, the answer among them", () => {
    expect(
      predictionChoices("b.two", [
        { name: "a.one", on: "X" },
        { name: "b.two", on: "Y" },
      ]),
    ).toEqual(["a.one", "b.two"]);
  });
});

describe("the verdict Step reveals", () => {
  const ran = delivery(5, "0190aaaa-bbbb-cccc-dddd-eeee1a2b3c4d");
  test("given the right pick, then right, and why: what the reaction is subscribed to", () => {
    expect(predictionVerdict("inventory.reserveStockWhenOrderCreated", ran, registry)).toEqual({
      right: true,
      says: "Right: inventory.reserveStockWhenOrderCreated is subscribed to ORDER_CREATED, and ORDER_CREATED of order …1a2b3c4d was first in the bus's schedule (next due first).",
    });
  });
  test("given a wrong pick, then not right, and what the pick reacts to", () => {
    expect(predictionVerdict("payments.chargeWhenStockReserved", ran, registry)).toEqual({
      right: false,
      says: "Not this time: inventory.reserveStockWhenOrderCreated is subscribed to ORDER_CREATED, and ORDER_CREATED of order …1a2b3c4d was first in the bus's schedule (next due first); payments.chargeWhenStockReserved reacts to INVENTORY_RESERVED.",
    });
  });
});
