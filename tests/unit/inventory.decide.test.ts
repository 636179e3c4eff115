import { describe, expect, test } from "bun:test";
import {
  confirmsOnPayment,
  type InventoryOutcome,
  onOrderCancelled,
  onOrderCreated,
  onPaymentFailed,
  onPaymentSucceeded,
  onReleaseRequested,
  onReservationAttempted,
  onShipmentCreated,
  onShipmentFailed,
} from "../../src/modules/inventory/inventory.decide";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const fivePads = [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }];
const created = (inventoryBehaviour: "success" | "failure" | "random", inventoryBehaviourGiven = true) =>
  sagaEvent("ORDER_CREATED", {
    items: [
      { product: "mouse-pad", quantity: 2 },
      { product: "mouse-pad", quantity: 3 },
    ],
    paymentBehaviour: "failure",
    inventoryBehaviour,
    paymentBehaviourGiven: true,
    inventoryBehaviourGiven,
    skipDemoDelays: true,
    userId: null,
    sagaStyle: "choreography",
  });
const pending = { id: "res-1", status: "PENDING" as const, lines: fivePads, restocked: false };

describe("inventory: order created", () => {
  test("asks to reserve each product once, all or nothing, carrying what payments needs", () => {
    expect(onOrderCreated(created("success"), undefined, { random: () => 0, failureRate: 1 })).toEqual([
      {
        type: "reserve",
        lines: [{ product: "mouse-pad", quantity: 5 }],
        forPayment: { paymentBehaviour: "failure", paymentBehaviourGiven: true, skipDemoDelays: true },
      },
    ]);
  });
  test("a simulated failure reserves nothing; random fails below one half", () => {
    const failure: InventoryOutcome = {
      type: "emit",
      event: {
        type: "INVENTORY_FAILED",
        data: { stage: "reserve", reason: "Simulated inventory failure (inventoryBehaviour: random)", items: [], cause: null },
      },
    };
    expect(onOrderCreated(created("random"), undefined, { random: () => 0.49, failureRate: 0 })).toEqual([failure]);
    expect(onOrderCreated(created("random"), undefined, { random: () => 0.5, failureRate: 0 })[0]?.type).toBe("reserve");
  });
  test("an order that asked for no behaviour fails with the session's inventoryFailureRate, which draws nothing at 0", () => {
    const failure: InventoryOutcome = {
      type: "emit",
      event: {
        type: "INVENTORY_FAILED",
        data: {
          stage: "reserve",
          reason: "Simulated inventory failure (the session's inventoryFailureRate is 0.3)",
          items: [],
          cause: null,
        },
      },
    };
    expect(onOrderCreated(created("success", false), undefined, { random: () => 0.29, failureRate: 0.3 })).toEqual([failure]);
    expect(onOrderCreated(created("success", false), undefined, { random: () => 0.3, failureRate: 0.3 })[0]?.type).toBe("reserve");
    const noDraw = () => {
      throw new Error("drew a random number at rate 0");
    };
    expect(onOrderCreated(created("success", false), undefined, { random: noDraw, failureRate: 0 })[0]?.type).toBe("reserve");
  });
});

describe("inventory: reservation attempted", () => {
  const forPayment = { paymentBehaviour: "success" as const, paymentBehaviourGiven: false, skipDemoDelays: false };
  test("held: INVENTORY_RESERVED priced from the catalog, 5 × 24.99 = 124.95", () => {
    expect(onReservationAttempted({ reserved: true, reservationId: "res-1", items: fivePads, expiresAt: null }, forPayment)).toEqual([
      {
        type: "emit",
        event: {
          type: "INVENTORY_RESERVED",
          data: {
            reservationId: "res-1",
            items: fivePads,
            totalCents: 12495,
            paymentBehaviour: "success",
            paymentBehaviourGiven: false,
            skipDemoDelays: false,
            expiresAt: null,
          },
        },
      },
    ]);
  });
  test("short: INVENTORY_FAILED lists every short line, unknown products named as such", () => {
    const short = [
      { product: "laptop", requested: 999, available: 5, known: true },
      { product: "unicorn", requested: 1, available: 0, known: false },
    ];
    expect(onReservationAttempted({ reserved: false, short }, forPayment)).toEqual([
      {
        type: "emit",
        event: {
          type: "INVENTORY_FAILED",
          data: {
            stage: "reserve",
            reason: "Insufficient stock: laptop (requested: 999, available: 5), unicorn (unknown product, requested: 1)",
            items: [
              { product: "laptop", requested: 999, available: 5 },
              { product: "unicorn", requested: 1, available: 0 },
            ],
            cause: null,
          },
        },
      },
    ]);
  });
});

describe("inventory: payment succeeded", () => {
  const spec = decisionSpec(onPaymentSucceeded);
  const paid = sagaEvent("PAYMENT_SUCCESS", { paymentId: "txn_1", amount: 124.95, amountCents: 12495 });
  test("a held reservation is confirmed: the stock is taken for good", () => {
    spec
      .given(pending)
      .when(paid)
      .then([
        { type: "settle", reservationId: "res-1", to: "CONFIRMED", lines: fivePads },
        { type: "emit", event: { type: "INVENTORY_CONFIRMED", data: { reservationId: "res-1", items: fivePads, totalCents: 12495 } } },
      ]);
  });
  test("paid but no longer held (an inventory reset): the confirm stage fails, so the money goes back", () => {
    const failed: InventoryOutcome = {
      type: "emit",
      event: {
        type: "INVENTORY_FAILED",
        data: { stage: "confirm", reason: "the reservation was no longer held (inventory reset)", items: [], cause: null },
      },
    };
    spec.given(undefined).when(paid).then([failed]);
    spec
      .given({ ...pending, status: "RELEASED" })
      .when(paid)
      .then([failed]);
  });
  test("already confirmed: nothing to do", () => {
    spec
      .given({ ...pending, status: "CONFIRMED" })
      .when(paid)
      .then([{ type: "ignore", reason: "the reservation is already confirmed" }]);
  });
});

describe("inventory: payment failed", () => {
  const spec = decisionSpec(onPaymentFailed);
  const declined = sagaEvent("PAYMENT_FAILED", { paymentId: "txn_1", reason: "card_declined (paymentBehaviour: failure)" });
  const reason = "Payment failed: card_declined (paymentBehaviour: failure)";
  test("a held reservation is released, naming payment_failed", () => {
    spec
      .given(pending)
      .when(declined)
      .then([
        { type: "settle", reservationId: "res-1", to: "RELEASED", lines: fivePads, reason, cause: "payment_failed" },
        {
          type: "emit",
          event: { type: "INVENTORY_RELEASED", data: { reservationId: "res-1", items: fivePads, cause: "payment_failed", reason } },
        },
      ]);
  });
  test("with the reservation reset away the order still gets its last step", () => {
    spec
      .given(undefined)
      .when(declined)
      .then([
        { type: "emit", event: { type: "INVENTORY_RELEASED", data: { reservationId: null, items: [], cause: "payment_failed", reason } } },
      ]);
  });
  test("a settled reservation is not released again", () => {
    spec
      .given({ ...pending, status: "RELEASED" })
      .when(declined)
      .then([{ type: "ignore", reason: "the reservation is already RELEASED" }]);
  });
});

describe("inventory: order cancelled", () => {
  const spec = decisionSpec(onOrderCancelled);
  const cancelled = sagaEvent("ORDER_CANCELLED", {
    cancellationSource: "operator",
    reason: "Orders were reset while the saga was in flight",
  });
  test("stock still held for a cancelled order is handed back as operator", () => {
    spec
      .given(pending)
      .when(cancelled)
      .then([
        {
          type: "settle",
          reservationId: "res-1",
          to: "RELEASED",
          lines: fivePads,
          cause: "operator",
          reason: "Order cancelled: Orders were reset while the saga was in flight",
        },
        {
          type: "emit",
          event: {
            type: "INVENTORY_RELEASED",
            data: {
              reservationId: "res-1",
              items: fivePads,
              cause: "operator",
              reason: "Order cancelled: Orders were reset while the saga was in flight",
            },
          },
        },
      ]);
  });
  test("nothing held: nothing to do", () => {
    spec
      .given(undefined)
      .when(cancelled)
      .then([{ type: "ignore", reason: "no stock is held for this order: nothing to release" }]);
    spec
      .given({ ...pending, status: "CONFIRMED", restocked: true })
      .when(cancelled)
      .then([{ type: "ignore", reason: "no stock is held for this order: nothing to release" }]);
    spec
      .given({ ...pending, status: "RELEASED" })
      .when(cancelled)
      .then([{ type: "ignore", reason: "no stock is held for this order: nothing to release" }]);
  });
  test("stock a completed order took and never put back (an orders reset dropped the restock a cancel asked for) goes back on the shelf", () => {
    const reason = "Order cancelled: Orders were reset while the saga was in flight";
    spec
      .given({ ...pending, status: "CONFIRMED" })
      .when(cancelled)
      .then([
        { type: "restock", reservationId: "res-1", lines: fivePads },
        {
          type: "emit",
          event: { type: "INVENTORY_RESTOCKED", data: { reservationId: "res-1", items: fivePads, cause: "operator", reason } },
        },
      ]);
  });
});

describe("inventory with the shipment step: who it listens to changes", () => {
  const shipment = { behaviour: "success" as const, behaviourGiven: false, skipDemoDelays: true };
  const confirmed: InventoryOutcome[] = [
    { type: "settle", reservationId: "res-1", to: "CONFIRMED", lines: fivePads },
    { type: "emit", event: { type: "INVENTORY_CONFIRMED", data: { reservationId: "res-1", items: fivePads, totalCents: 12495 } } },
  ];
  test("given a held reservation, when an order with the step is paid, then nothing is confirmed yet (and the delivery is not even wanted)", () => {
    const paid = sagaEvent("PAYMENT_SUCCESS", { paymentId: "txn_1", amount: 124.95, amountCents: 12495, shipment });
    expect(confirmsOnPayment(paid)).toBe(false);
    decisionSpec(onPaymentSucceeded)
      .given(pending)
      .when(paid)
      .then([{ type: "ignore", reason: "the order has the shipment step: its stock is confirmed once shipped" }]);
  });
  test("given a held reservation, when the order is shipped, then the stock is taken for good", () => {
    decisionSpec(onShipmentCreated)
      .given(pending)
      .when(sagaEvent("SHIPMENT_CREATED", { shipmentId: "shp_1" }))
      .then(confirmed);
  });
  test("given a held reservation, when the shipment fails, then the stock is released, naming shipment_failed", () => {
    const reason = "Shipment failed: Simulated shipping failure (shippingBehaviour: failure)";
    decisionSpec(onShipmentFailed)
      .given(pending)
      .when(sagaEvent("SHIPMENT_FAILED", { shipmentId: "shp_1", reason: "Simulated shipping failure (shippingBehaviour: failure)" }))
      .then([
        { type: "settle", reservationId: "res-1", to: "RELEASED", lines: fivePads, reason, cause: "shipment_failed" },
        {
          type: "emit",
          event: { type: "INVENTORY_RELEASED", data: { reservationId: "res-1", items: fivePads, cause: "shipment_failed", reason } },
        },
      ]);
  });
  test("given a reservation already released (it expired), when the shipment fails, then nothing more", () => {
    decisionSpec(onShipmentFailed)
      .given({ ...pending, status: "RELEASED" })
      .when(sagaEvent("SHIPMENT_FAILED", { shipmentId: "shp_1", reason: "r" }))
      .then([{ type: "ignore", reason: "the reservation is already RELEASED" }]);
  });
});

describe("inventory: an orchestrator asks for the stock back (RELEASE_INVENTORY)", () => {
  const spec = decisionSpec((event: ReturnType<typeof command>, reservation: Parameters<typeof onReleaseRequested>[1]) =>
    onReleaseRequested(event, reservation, { newReservationId: () => "res-new" }),
  );
  const command = (cancellationSource: "payment_failed" | "customer" = "payment_failed") =>
    sagaEvent("RELEASE_INVENTORY", { to: "inventory", cancellationSource, reason: "Payment failed: Card declined" });

  test("given stock held, when the release is asked, then it is handed back and said, as on any cancellation", () => {
    spec
      .given(pending)
      .when(command())
      .then([
        {
          type: "settle",
          reservationId: "res-1",
          to: "RELEASED",
          lines: fivePads,
          reason: "Payment failed: Card declined",
          cause: "payment_failed",
        },
        {
          type: "emit",
          event: {
            type: "INVENTORY_RELEASED",
            data: { reservationId: "res-1", items: fivePads, cause: "payment_failed", reason: "Payment failed: Card declined" },
          },
        },
      ]);
  });

  test("given the stock handed back already (an expiry first), when the release is asked, then it is said again, with why it went", () => {
    spec
      .given({ ...pending, status: "RELEASED", released: { reason: "expired", cause: "timeout" } })
      .when(command())
      .then([
        {
          type: "emit",
          event: { type: "INVENTORY_RELEASED", data: { reservationId: "res-1", items: fivePads, cause: "timeout", reason: "expired" } },
        },
      ]);
  });
});
