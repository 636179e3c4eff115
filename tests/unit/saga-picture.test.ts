import { describe, expect, test } from "bun:test";
import type { DeliveryLogEntry } from "../../src/bus/delivery-log";
import { moduleMap } from "../../src/dashboard/module-map";
import { arrowTitle, explain, outcomeWords, pictureSummary, type SagaPictureInput, sagaPicture } from "../../src/dashboard/saga-picture";
import type { UpcomingDeliveryJson } from "../../src/live/bus.routes";
import { publisherOf, type SagaEvent, type SagaEventType, type SagaPayload } from "../../src/modules/events";

const at = Date.UTC(2026, 0, 1);

/** An event of the order's log: `seq` its place in the session's log, `cause` the seq of the event it answered. */
function event<T extends SagaEventType>(
  seq: number,
  type: T,
  data: Extract<SagaPayload, { type: T }>["data"],
  cause?: number,
): SagaEvent<T> {
  return {
    type,
    data,
    id: `evt-${seq}`,
    seq,
    sessionSeq: seq,
    sessionId: "s",
    sagaId: "saga-1",
    orderId: "order-1",
    causationId: cause === undefined ? null : `evt-${cause}`,
    timestamp: at + seq,
    kind: publisherOf(type) === "orchestrator" ? "command" : "event",
    style: "choreography",
  } as SagaEvent<T>;
}

const created = event(1, "ORDER_CREATED", {
  userId: "ada",
  items: [{ product: "mouse-pad", quantity: 5 }],
  paymentBehaviour: "success",
  paymentBehaviourGiven: false,
  inventoryBehaviour: "success",
  inventoryBehaviourGiven: false,
  skipDemoDelays: true,
} as Extract<SagaPayload, { type: "ORDER_CREATED" }>["data"]);
const reserved = event(2, "INVENTORY_RESERVED", { items: [{ product: "mouse-pad", quantity: 5 }], totalCents: 12495 } as never, 1);
const paymentFailed = event(3, "PAYMENT_FAILED", { reason: "Card declined" } as never, 2);

const delivery = (
  eventSeq: number,
  eventType: string,
  reaction: string,
  outcome: DeliveryLogEntry["outcome"],
  extra: Partial<DeliveryLogEntry> = {},
) => ({ eventSeq, eventType, reaction, attempt: 1, outcome, at: at + eventSeq, ...extra }) satisfies DeliveryLogEntry;

const upcoming = (
  id: number,
  eventSeq: number,
  eventType: string,
  reaction: string,
  extra: Partial<UpcomingDeliveryJson> = {},
): UpcomingDeliveryJson => ({
  id,
  eventSeq,
  eventType,
  orderId: "order-1",
  reaction,
  module: reaction.split(".")[0] ?? reaction,
  dueAt: new Date(at + 10_000).toISOString(),
  attempts: 0,
  lastError: null,
  held: false,
  deadLetteredAt: null,
  ...extra,
});

/** given the order's log, when it is drawn, then these lanes and arrows (from → to, type, outcome). */
function given(input: Partial<SagaPictureInput>) {
  const picture = sagaPicture({ events: [], deliveries: [], upcoming: [], now: at, ...input });
  return {
    picture,
    // biome-ignore lint/suspicious/noThenProperty: the spec reads given/then; no one awaits it.
    then: (lanes: string[], arrows: string[]) => {
      expect(picture.lanes).toEqual(lanes as never);
      expect(picture.arrows.map((a) => `${a.from}>${a.to} ${a.eventType} ${a.outcome}${a.compensation ? " ↩" : ""}`)).toEqual(arrows);
    },
  };
}

describe("sagaPicture: a saga's log as lanes and arrows", () => {
  test("each delivery attempt is an arrow from the module that published the event to the module of the reaction", () => {
    given({
      events: [created, reserved],
      deliveries: [
        delivery(1, "ORDER_CREATED", "inventory.reserveStockWhenOrderCreated", "applied"),
        delivery(1, "ORDER_CREATED", "notifications.notifyOnOrderCreated", "applied"),
        delivery(2, "INVENTORY_RESERVED", "payments.chargeWhenStockReserved", "duplicate_ignored"),
      ],
    }).then(
      ["orders", "inventory", "payments", "notifications"],
      [
        "orders>inventory ORDER_CREATED applied",
        "orders>notifications ORDER_CREATED applied",
        "inventory>payments INVENTORY_RESERVED duplicate_ignored",
      ],
    );
  });

  test("a compensation is marked: a reaction that undoes a step, and one that hears a step undone", () => {
    given({
      events: [created, reserved, paymentFailed],
      deliveries: [
        delivery(3, "PAYMENT_FAILED", "inventory.releaseReservationWhenPaymentFailed", "applied"),
        delivery(4, "INVENTORY_RELEASED", "orders.cancelOrderWhenStockReleased", "applied"),
      ],
    }).then(
      ["orders", "inventory", "payments"],
      ["payments>inventory PAYMENT_FAILED applied ↩", "inventory>orders INVENTORY_RELEASED applied ↩"],
    );
  });

  test("deliveries still to come are ghosts, scheduled or held; a retry after a failure too; a dead letter the log holds is drawn once", () => {
    const { picture } = given({
      events: [created, reserved],
      deliveries: [
        delivery(2, "INVENTORY_RESERVED", "payments.chargeWhenStockReserved", "failed", { error: "Injected fault", retryAt: at + 2_000 }),
        delivery(1, "ORDER_CREATED", "inventory.reserveStockWhenOrderCreated", "dead_lettered", { attempt: 5, error: "boom" }),
      ],
      upcoming: [
        upcoming(7, 2, "INVENTORY_RESERVED", "payments.chargeWhenStockReserved", {
          attempts: 1,
          dueAt: new Date(at + 2_000).toISOString(),
        }),
        upcoming(8, 1, "ORDER_CREATED", "orders.cancelOrderWhenTimedOut", { held: true }),
        upcoming(9, 1, "ORDER_CREATED", "inventory.reserveStockWhenOrderCreated", { deadLetteredAt: new Date(at).toISOString() }),
      ],
    });
    // In the order they happened: the dead letter (event 1's) before the failure (event 2's), then what is still to come.
    expect(picture.arrows.map((a) => `${a.kind} ${a.outcome} ${a.reaction}`)).toEqual([
      "delivery dead_lettered inventory.reserveStockWhenOrderCreated",
      "delivery failed payments.chargeWhenStockReserved",
      "upcoming scheduled payments.chargeWhenStockReserved",
      "upcoming held orders.cancelOrderWhenTimedOut",
    ]);
    expect(picture.arrows.find((a) => a.kind === "upcoming")?.dueInMs).toBe(2_000);
    expect(pictureSummary(picture)).toBe(
      "The saga's sequence diagram: lanes orders, inventory, payments; 2 deliveries, 1 failed, 1 dead-lettered, 2 still to come.",
    );
  });

  test("an RPC call is a request from orders and an answer back; an error answer says so", () => {
    const call = (seq: number, method: string, response: Record<string, unknown>) =>
      event(seq, "RPC_CALL", {
        service: `${seq === 1 ? "inventory.v1.InventoryService" : "payments.v1.PaymentsService"}`,
        method,
        request: {},
        response,
        durationMs: 0,
      });
    given({
      events: [
        call(1, "ReserveInventory", { success: true }),
        call(2, "Charge", { error: { code: "FAILED_PRECONDITION", message: "declined" } }),
      ],
    }).then(
      ["orders", "inventory", "payments"],
      [
        "orders>inventory RPC_CALL sent",
        "inventory>orders RPC_CALL answered",
        "orders>payments RPC_CALL sent",
        "payments>orders RPC_CALL error",
      ],
    );
  });

  test("an orchestrated saga's commands come from the orchestrator's lane and its replies go back to it", () => {
    const command = event(2, "RESERVE_INVENTORY", { to: "inventory", items: [{ product: "mouse-pad", quantity: 5 }] } as never, 1);
    given({
      events: [created, command],
      deliveries: [
        delivery(1, "ORDER_CREATED", "orchestrator.startSagaWhenOrderCreated", "applied"),
        delivery(2, "RESERVE_INVENTORY", "inventory.reserveStockOnCommand", "applied"),
        delivery(3, "INVENTORY_RESERVED", "orchestrator.moveOnInventoryReserved", "applied"),
      ],
    }).then(
      ["orders", "orchestrator", "inventory"],
      [
        "orders>orchestrator ORDER_CREATED applied",
        "orchestrator>inventory RESERVE_INVENTORY applied",
        "inventory>orchestrator INVENTORY_RESERVED applied",
      ],
    );
  });
});

describe("explain and arrowTitle: the arrow in words", () => {
  const input = {
    events: [
      created,
      reserved,
      paymentFailed,
      event(4, "INVENTORY_RELEASED", { cause: "payment_failed", reason: "Payment failed: Card declined" } as never, 3),
    ],
    deliveries: [
      delivery(3, "PAYMENT_FAILED", "inventory.releaseReservationWhenPaymentFailed", "applied"),
      delivery(1, "ORDER_CREATED", "notifications.notifyOnOrderCreated", "applied"),
      delivery(2, "INVENTORY_RESERVED", "payments.chargeWhenStockReserved", "duplicate_ignored"),
    ],
  };
  const { arrows } = given(input).picture;
  const [release, notify, duplicate] = ["inventory.release", "notifications.", "payments."].map((start) =>
    arrows.find((a) => a.reaction.startsWith(start)),
  );

  test("applied: what the event says, and what the reacting module answered", () => {
    expect(release && explain(release, input.events)).toBe(
      "PAYMENT_FAILED (payments): Card declined. inventory.releaseReservationWhenPaymentFailed applied it, and inventory answered INVENTORY_RELEASED (stock handed back (payment_failed): Payment failed: Card declined).",
    );
    expect(release && arrowTitle(release)).toBe(
      "payments → inventory: PAYMENT_FAILED to inventory.releaseReservationWhenPaymentFailed (compensation), applied",
    );
  });

  test("applied with nothing emitted, and a duplicate ignored, each say why", () => {
    expect(notify && explain(notify, input.events)).toEndWith(
      "notifications.notifyOnOrderCreated applied it and emitted nothing: it changed only notifications's own rows, or found nothing left to do.",
    );
    expect(duplicate && explain(duplicate, input.events)).toEndWith(
      "had already processed this event (its inbox remembers each one), so the duplicate changed nothing.",
    );
  });

  test("given a decision that changed nothing, then the arrow says 'nothing to do' and the sentence gives the decision's reason", () => {
    const failed = event(2, "INVENTORY_FAILED", { stage: "reserve", reason: "Insufficient stock" } as never, 1);
    const nothing = {
      events: [created, failed],
      deliveries: [
        delivery(2, "INVENTORY_FAILED", "payments.refundWhenStockNotDelivered", "applied", {
          ignoredBecause: "no payment is taken before stock is reserved: nothing to refund",
        }),
      ],
    };
    const [refund] = given(nothing).picture.arrows;
    expect(refund && outcomeWords(refund)).toBe("nothing to do");
    expect(refund && explain(refund, nothing.events)).toEndWith(
      "payments.refundWhenStockNotDelivered changed nothing: no payment is taken before stock is reserved: nothing to refund.",
    );
  });
});

describe("moduleMap: who reacts to whom, from the subscriptions", () => {
  const subscriptions = [
    { name: "inventory.reserveStockWhenOrderCreated", on: "ORDER_CREATED", module: "inventory", styles: ["choreography"] },
    { name: "orchestrator.startSagaWhenOrderCreated", on: "ORDER_CREATED", module: "orchestrator", styles: ["orchestration"] },
    { name: "inventory.reserveStockOnCommand", on: "RESERVE_INVENTORY", module: "inventory", styles: undefined },
    { name: "shipping.shipOrderWhenPaid", on: "PAYMENT_SUCCESS", module: "shipping", styles: ["choreography"] },
    { name: "inventory.confirmReservationWhenShipped", on: "SHIPMENT_CREATED", module: "inventory", styles: ["choreography"] },
    { name: "payments.chargeWhenStockReserved", on: "INVENTORY_RESERVED", module: "payments", styles: ["choreography"] },
  ];
  const edgesOf = (settings: { sagaStyle: string; shipmentStep: boolean }) =>
    moduleMap({
      subscriptions,
      settings,
      events: [],
      deliveries: [delivery(1, "ORDER_CREATED", "inventory.reserveStockWhenOrderCreated", "applied")],
    }).edges.map((e) => `${e.from}>${e.to} ${e.types.join(",")} ×${e.messages}`);

  test("given choreography, then the reactions that take part in it, with the followed saga's messages counted", () => {
    // The command's reaction is subscribed for every style, but nothing sends to the orchestrator in a choreography.
    expect(edgesOf({ sagaStyle: "choreography", shipmentStep: false })).toEqual([
      "orders>inventory ORDER_CREATED ×1",
      "inventory>payments INVENTORY_RESERVED ×0",
    ]);
  });

  test("given orchestration, then the orchestrator hears ORDER_CREATED instead of inventory", () => {
    expect(edgesOf({ sagaStyle: "orchestration", shipmentStep: false })).toEqual([
      "orders>orchestrator ORDER_CREATED ×0",
      "orchestrator>inventory RESERVE_INVENTORY ×0",
    ]);
  });

  test("given the shipment step on, then shipping and the reactions to its events are drawn", () => {
    expect(edgesOf({ sagaStyle: "choreography", shipmentStep: true })).toEqual([
      "orders>inventory ORDER_CREATED ×1",
      "payments>shipping PAYMENT_SUCCESS ×0",
      "shipping>inventory SHIPMENT_CREATED ×0",
      "inventory>payments INVENTORY_RESERVED ×0",
    ]);
  });
});
