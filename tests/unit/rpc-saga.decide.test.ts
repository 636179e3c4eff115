import { describe, test } from "bun:test";
import type { OrderState } from "../../src/modules/orders/orders.decide";
import { nextRpcStep, type RpcProgress } from "../../src/modules/orders/rpc-saga.decide";
import { decisionSpec } from "../support/decision-spec";

// given the order as it is, when the calls have answered this far, then the next step.
const spec = decisionSpec((progress: RpcProgress, order: OrderState) => [nextRpcStep(progress, order)]);
const pending: OrderState = { status: "PENDING", cancellationRequestedBy: null, cancellationSource: null };
const processing: OrderState = { ...pending, status: "PROCESSING" };
const ok = (message = "") => ({ ok: true, message });
const failed = (message: string) => ({ ok: false, message });
const checked = { check: ok() };
const reserved = { ...checked, reserve: { ...ok("Reserved"), reservationId: "res_1", totalCents: 12495 } };
const charged = { ...reserved, charge: ok("Charged") };

describe("the rpc chain: the happy path, one call at a time", () => {
  test("after the check, the reserve", () =>
    spec
      .given(pending)
      .when(checked)
      .then([{ type: "call", call: "reserve", outcomes: [] }]));
  test("after the reserve, the order is PROCESSING and the charge is made", () =>
    spec
      .given(pending)
      .when(reserved)
      .then([
        {
          type: "call",
          call: "charge",
          outcomes: [{ type: "record", change: { type: "ORDER_PROCESSING_STARTED", data: { totalCents: 12495 } } }],
        },
      ]));
  test("after the charge, the commit", () =>
    spec
      .given(processing)
      .when(charged)
      .then([{ type: "call", call: "commit", outcomes: [] }]));
  test("after the commit, the order is complete", () =>
    spec
      .given(processing)
      .when({ ...charged, commit: ok("Committed") })
      .then([
        {
          type: "end",
          reason: "the order is complete",
          outcomes: [
            { type: "record", change: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
            { type: "emit", event: { type: "ORDER_COMPLETED", data: { totalCents: 12495 } } },
          ],
        },
      ]));
});

describe("the rpc chain: failures and their compensation", () => {
  test("the check finds stock short: the order is cancelled as inventory_depleted, nothing is reserved", () =>
    spec
      .given(pending)
      .when({ check: failed("Insufficient stock: laptop (requested: 9, available: 5)") })
      .then([
        {
          type: "end",
          reason: "the stock is not available",
          outcomes: [
            {
              type: "record",
              change: {
                type: "ORDER_CANCELLED",
                data: {
                  cancellationSource: "inventory_depleted",
                  errorMessage: "Inventory failed: Insufficient stock: laptop (requested: 9, available: 5)",
                },
              },
            },
            {
              type: "emit",
              event: {
                type: "ORDER_CANCELLED",
                data: {
                  cancellationSource: "inventory_depleted",
                  reason: "Inventory failed: Insufficient stock: laptop (requested: 9, available: 5)",
                },
              },
            },
          ],
        },
      ]));
  test("the payment fails: the reservation is cancelled first, then the order (payment_failed)", () => {
    const declined = { ...reserved, charge: failed("card_declined") };
    spec
      .given(processing)
      .when(declined)
      .then([{ type: "call", call: "cancelReservation", outcomes: [] }]);
    spec
      .given(processing)
      .when({ ...declined, cancelReservation: ok("Cancelled") })
      .then([
        {
          type: "end",
          reason: "the payment failed",
          outcomes: [
            {
              type: "record",
              change: {
                type: "ORDER_CANCELLED",
                data: { cancellationSource: "payment_failed", errorMessage: "Payment failed: card_declined" },
              },
            },
            {
              type: "emit",
              event: { type: "ORDER_CANCELLED", data: { cancellationSource: "payment_failed", reason: "Payment failed: card_declined" } },
            },
          ],
        },
      ]);
  });
  test("the commit comes after the reservation expired: the charge is refunded, then the order is cancelled (timeout)", () => {
    const late = { ...charged, commit: failed("The reservation was released (expired)") };
    spec
      .given(processing)
      .when(late)
      .then([{ type: "call", call: "refund", outcomes: [] }]);
    spec
      .given(processing)
      .when({ ...late, refund: ok("Refunded") })
      .then([expect_end("the reservation was gone at the commit", "timeout", "Inventory failed: The reservation was released (expired)")]);
  });
  test("someone else is cancelling the order: the chain stops, giving back a charge it took", () => {
    const asked: OrderState = { ...processing, cancellationRequestedBy: "customer" };
    spec
      .given(asked)
      .when(reserved)
      .then([{ type: "end", reason: "the order is being cancelled (customer)", outcomes: [] }]);
    spec
      .given(asked)
      .when(charged)
      .then([{ type: "call", call: "refund", outcomes: [] }]);
  });
  test("the order is gone (an orders reset): the chain stops", () =>
    spec
      .given(undefined)
      .when(reserved)
      .then([{ type: "end", reason: "the order is gone (an orders reset)", outcomes: [] }]));
});

function expect_end(reason: string, cancellationSource: "timeout", errorMessage: string) {
  return {
    type: "end" as const,
    reason,
    outcomes: [
      { type: "record" as const, change: { type: "ORDER_CANCELLED" as const, data: { cancellationSource, errorMessage } } },
      { type: "emit" as const, event: { type: "ORDER_CANCELLED" as const, data: { cancellationSource, reason: errorMessage } } },
    ],
  };
}
