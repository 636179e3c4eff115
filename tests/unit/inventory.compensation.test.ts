import { describe, expect, test } from "bun:test";
import {
  decideSeed,
  type InventoryOutcome,
  onCancellationRequested,
  onReservationExpired,
} from "../../src/modules/inventory/inventory.decide";
import { msUntilExpiry, reservationExpiresAt, reservationIdOf } from "../../src/modules/inventory/reservation-rules";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const fivePads = [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }];
const pending = { id: "res-1", status: "PENDING" as const, lines: fivePads, restocked: false };
const confirmed = { ...pending, status: "CONFIRMED" as const };
const released = { ...pending, status: "RELEASED" as const };

describe("inventory: cancellation requested", () => {
  const spec = decisionSpec((event: ReturnType<typeof asked>, reservation: Parameters<typeof onCancellationRequested>[1]) =>
    onCancellationRequested(event, reservation, { newReservationId: () => "res-new" }),
  );
  const asked = (cancellationSource: "customer" | "timeout" | "operator" = "customer") =>
    sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource, reason: "Changed my mind" });

  test("given stock still held, then it is handed back in the name of whoever asked", () => {
    spec
      .given(pending)
      .when(asked("timeout"))
      .then([
        { type: "settle", reservationId: "res-1", to: "RELEASED", lines: fivePads, reason: "Changed my mind", cause: "timeout" },
        {
          type: "emit",
          event: {
            type: "INVENTORY_RELEASED",
            data: { reservationId: "res-1", items: fivePads, cause: "timeout", reason: "Changed my mind" },
          },
        },
      ]);
  });
  test("given a completed order's stock, then it is put back on the shelf and the reservation stays CONFIRMED", () => {
    spec
      .given(confirmed)
      .when(asked())
      .then([
        { type: "restock", reservationId: "res-1", lines: fivePads },
        {
          type: "emit",
          event: {
            type: "INVENTORY_RESTOCKED",
            data: { reservationId: "res-1", items: fivePads, cause: "customer", reason: "Changed my mind" },
          },
        },
      ]);
  });
  test("given no reservation yet, then the order's books are closed with an empty RELEASED one, so a later attempt reserves nothing", () => {
    const why = "Changed my mind (before any stock was reserved)";
    spec
      .given(undefined)
      .when(asked("operator"))
      .then([
        { type: "closeUnreserved", reservationId: "res-new", reason: why, cause: "operator" },
        {
          type: "emit",
          event: { type: "INVENTORY_RELEASED", data: { reservationId: "res-new", items: [], cause: "operator", reason: why } },
        },
      ]);
  });
  test("given stock handed back or put back already, then nothing more", () => {
    spec
      .given(released)
      .when(asked())
      .then([{ type: "ignore", reason: "the stock was already handed back" }]);
    spec
      .given({ ...confirmed, restocked: true })
      .when(asked())
      .then([{ type: "ignore", reason: "the stock was already put back" }]);
  });
  test("a fresh reservation id is asked for only when the books must be closed", () => {
    let asks = 0;
    onCancellationRequested(asked(), pending, { newReservationId: () => `res-${++asks}` });
    expect(asks).toBe(0);
  });
});

describe("inventory: reservation expired", () => {
  const spec = decisionSpec(onReservationExpired);
  const reservedAs = (reservationId: string) =>
    sagaEvent("INVENTORY_RESERVED", {
      reservationId,
      items: fivePads,
      totalCents: 12495,
      paymentBehaviour: "success",
      paymentBehaviourGiven: true,
      skipDemoDelays: true,
      expiresAt: Date.UTC(2026, 0, 1) + 60_000,
    });
  const expired: InventoryOutcome[] = [
    { type: "settle", reservationId: "res-1", to: "RELEASED", lines: fivePads, reason: "expired", cause: "timeout" },
    {
      type: "emit",
      event: { type: "INVENTORY_RELEASED", data: { reservationId: "res-1", items: fivePads, cause: "timeout", reason: "expired" } },
    },
  ];
  test("given the reservation still PENDING, when its time is up, then it is released as expired (a timeout)", () => {
    spec.given(pending).when(reservedAs("res-1")).then(expired);
  });
  test("given it was settled in time (confirmed, released, reset away or made again), then nothing", () => {
    const inTime: InventoryOutcome[] = [{ type: "ignore", reason: "the reservation was settled in time" }];
    spec.given(confirmed).when(reservedAs("res-1")).then(inTime);
    spec.given(released).when(reservedAs("res-1")).then(inTime);
    spec.given(undefined).when(reservedAs("res-1")).then(inTime);
    spec.given(pending).when(reservedAs("res-0")).then(inTime);
  });
});

describe("inventory: when a reservation expires", () => {
  test("reservationTtlMs after it was made, or never", () => {
    expect(reservationExpiresAt(1_000, 30_000)).toBe(31_000);
    expect(reservationExpiresAt(1_000, null)).toBeNull();
  });
  test("its expiry is due that long after INVENTORY_RESERVED was announced", () => {
    expect(msUntilExpiry(31_000, 1_500)).toBe(29_500);
    expect(msUntilExpiry(null, 1_500)).toBeNull();
  });
  test("a reservation's id is res_ and a uuid", () => {
    expect(reservationIdOf("0f8c")).toBe("res_0f8c");
  });
});

describe("inventory: seeding the catalog", () => {
  const spec = decisionSpec((catalog: { id: string; stock_level: number }[], held: { id: string; reserved: number }[]) => [
    decideSeed(catalog, held),
  ]);
  const catalog = [
    { id: "mouse-pad", stock_level: 10 },
    { id: "usb-cable", stock_level: 4 },
  ];
  test("given nothing reserved beyond the new stock levels, then the catalog is replaced", () => {
    spec
      .given([
        { id: "mouse-pad", reserved: 10 },
        { id: "old-lamp", reserved: 0 },
      ])
      .when(catalog)
      .then([{ type: "seed" }]);
  });
  test("given units reserved of a product not listed, or above its new stock level, then it is refused, naming them", () => {
    spec
      .given([
        { id: "old-lamp", reserved: 2 },
        { id: "usb-cable", reserved: 5 },
      ])
      .when(catalog)
      .then([
        {
          type: "refuse",
          reason:
            "Cannot seed: units of old-lamp, usb-cable are reserved by orders in flight; wait for them to finish or POST /inventory/reset",
        },
      ]);
  });
});
