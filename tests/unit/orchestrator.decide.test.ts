import { describe, expect, test } from "bun:test";
import type { SagaEvent } from "../../src/modules/events";
import { currentStepOf, decideNext, type SagaLog, type StepState, startSaga } from "../../src/modules/orchestrator/orchestrator.decide";
import { repliesOf, type StepName, stepsByName, stepsFor } from "../../src/modules/orchestrator/orchestrator.steps";
import { decisionSpec, sagaEvent } from "../support/decision-spec";

const NOW = Date.UTC(2026, 0, 1, 0, 0, 10);
const spec = decisionSpec((reply: SagaEvent, log: SagaLog | undefined) => decideNext(log, reply, stepsByName, NOW));

const facts = {
  items: [{ product: "mouse-pad", quantity: 5 }],
  inventoryBehaviour: "success" as const,
  inventoryBehaviourGiven: true,
  paymentBehaviour: "success" as const,
  paymentBehaviourGiven: true,
  skipDemoDelays: true,
  totalCents: 12495,
  shipment: null,
};
const step = (name: StepName, status: StepState["status"], startedAt: number | null = null, endedAt: number | null = null): StepState => ({
  name,
  status,
  startedAt,
  endedAt,
});
const logOf = (steps: StepState[], rest: Partial<SagaLog> = {}): SagaLog => ({ status: "running", steps, abort: null, facts, ...rest });

const reserved = sagaEvent("INVENTORY_RESERVED", {
  reservationId: "res-1",
  items: [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }],
  totalCents: 12495,
  paymentBehaviour: "success",
  paymentBehaviourGiven: true,
  skipDemoDelays: true,
  expiresAt: null,
});
const reservingLog = logOf(
  [step("RESERVE_INVENTORY", "running", 1), step("PROCESS_PAYMENT", "pending"), step("CONFIRM_RESERVATION", "pending")],
  {
    facts: { ...facts, totalCents: 0 },
  },
);
const payingLog = logOf([
  step("RESERVE_INVENTORY", "done", 1, 2),
  step("PROCESS_PAYMENT", "running", 2),
  step("CONFIRM_RESERVATION", "pending"),
]);
const confirmingLog = logOf([
  step("RESERVE_INVENTORY", "done", 1, 2),
  step("PROCESS_PAYMENT", "done", 2, 3),
  step("CONFIRM_RESERVATION", "running", 3),
]);
const completedLog = logOf(
  [step("RESERVE_INVENTORY", "done", 1, 2), step("PROCESS_PAYMENT", "done", 2, 3), step("CONFIRM_RESERVATION", "done", 3, 4)],
  { status: "completed" },
);

describe("the orchestrator's step list is data", () => {
  test("reserve, pay, confirm; it listens to every reply of every step and to a cancellation request", () => {
    expect(stepsFor().map((s) => s.name)).toEqual(["RESERVE_INVENTORY", "PROCESS_PAYMENT", "CONFIRM_RESERVATION"]);
    expect<string[]>(repliesOf(stepsByName.values()).sort()).toEqual(
      [
        "INVENTORY_CONFIRMED",
        "INVENTORY_FAILED",
        "INVENTORY_RELEASED",
        "INVENTORY_RESERVED",
        "INVENTORY_RESTOCKED",
        "ORDER_CANCELLATION_REQUESTED",
        "PAYMENT_FAILED",
        "PAYMENT_REFUNDED",
        "PAYMENT_SUCCESS",
        "SHIPMENT_CANCELLED",
        "SHIPMENT_CREATED",
        "SHIPMENT_FAILED",
      ].sort(),
    );
  });
});

describe("orchestrator: the saga starts", () => {
  const { shipment: _none, ...placed } = facts;
  const created = sagaEvent("ORDER_CREATED", { ...placed, userId: null, sagaStyle: "orchestration" });
  const start = decisionSpec((event: typeof created, log: SagaLog | undefined) => startSaga(event, log, stepsFor(), NOW));

  test("given no log, when the order is created, then the log with the first step running and RESERVE_INVENTORY to inventory", () => {
    const { totalCents: _, shipment: __, ...order } = facts;
    start
      .given(undefined)
      .when(created)
      .then([
        {
          type: "start",
          log: logOf(
            [step("RESERVE_INVENTORY", "running", NOW), step("PROCESS_PAYMENT", "pending"), step("CONFIRM_RESERVATION", "pending")],
            {
              facts: { ...facts, totalCents: 0 },
            },
          ),
        },
        { type: "send", command: { type: "RESERVE_INVENTORY", data: { to: "inventory", ...order } } },
      ]);
  });

  test("given a log already, when the order is created again, then nothing", () => {
    start
      .given(reservingLog)
      .when(created)
      .then([{ type: "ignore", reason: "the saga has started already" }]);
  });
});

describe("orchestrator: the saga moves on each reply", () => {
  test("given reserving, when INVENTORY_RESERVED, then the step is done, priced, and PROCESS_PAYMENT goes to payments", () => {
    spec
      .given(reservingLog)
      .when(reserved)
      .then([
        {
          type: "save",
          log: {
            ...payingLog,
            steps: [
              step("RESERVE_INVENTORY", "done", 1, NOW),
              step("PROCESS_PAYMENT", "running", NOW),
              step("CONFIRM_RESERVATION", "pending"),
            ],
          },
        },
        {
          type: "send",
          command: {
            type: "PROCESS_PAYMENT",
            data: { to: "payments", totalCents: 12495, paymentBehaviour: "success", paymentBehaviourGiven: true, skipDemoDelays: true },
          },
        },
      ]);
  });

  test("given confirming, when INVENTORY_CONFIRMED, then the saga is completed and COMPLETE_ORDER goes to orders", () => {
    const confirmed = sagaEvent("INVENTORY_CONFIRMED", { reservationId: "res-1", items: [], totalCents: 12495 });
    const [saved, sent] = decideNext(confirmingLog, confirmed, stepsByName, NOW);
    expect(saved).toMatchObject({ type: "save", log: { status: "completed" } });
    expect(sent).toEqual({ type: "send", command: { type: "COMPLETE_ORDER", data: { to: "orders", totalCents: 12495 } } });
  });

  test("given paying, when a reply no step waits for arrives (a late duplicate), then nothing", () => {
    spec
      .given(payingLog)
      .when(reserved)
      .then([{ type: "ignore", reason: "the saga does not wait for INVENTORY_RESERVED (running, PROCESS_PAYMENT running)" }]);
  });

  test("given no log (another style, or reset away), when a reply arrives, then nothing", () => {
    spec
      .given(undefined)
      .when(reserved)
      .then([{ type: "ignore", reason: "no orchestrated saga for this order (another style, or reset away)" }]);
  });
});

describe("orchestrator: a failure is compensated in reverse", () => {
  test("given reserving, when INVENTORY_FAILED, then nothing to undo: the saga is cancelled (inventory_depleted), the rest skipped", () => {
    const failed = sagaEvent("INVENTORY_FAILED", { stage: "reserve", reason: "Insufficient stock", items: [], cause: null });
    const abort = { cancellationSource: "inventory_depleted" as const, reason: "Inventory failed: Insufficient stock" };
    spec
      .given(reservingLog)
      .when(failed)
      .then([
        {
          type: "save",
          log: {
            ...reservingLog,
            status: "cancelled",
            abort,
            steps: [
              step("RESERVE_INVENTORY", "failed", 1, NOW),
              step("PROCESS_PAYMENT", "skipped", null, NOW),
              step("CONFIRM_RESERVATION", "skipped", null, NOW),
            ],
          },
        },
        { type: "send", command: { type: "CANCEL_ORDER", data: { to: "orders", ...abort } } },
      ]);
  });

  test("given paying, when PAYMENT_FAILED, then the reservation is compensated first (RELEASE_INVENTORY, payment_failed)", () => {
    const failed = sagaEvent("PAYMENT_FAILED", { paymentId: "txn_1", reason: "Card declined" });
    const [saved, sent] = decideNext(payingLog, failed, stepsByName, NOW);
    expect(saved).toMatchObject({
      type: "save",
      log: { status: "compensating", abort: { cancellationSource: "payment_failed", reason: "Payment failed: Card declined" } },
    });
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["compensating", "failed", "pending"]);
    expect(sent).toEqual({
      type: "send",
      command: {
        type: "RELEASE_INVENTORY",
        data: { to: "inventory", cancellationSource: "payment_failed", reason: "Payment failed: Card declined" },
      },
    });
  });

  test("given the reservation being compensated, when INVENTORY_RELEASED, then CANCEL_ORDER with the saga's reason", () => {
    const abort = { cancellationSource: "payment_failed" as const, reason: "Payment failed: Card declined" };
    const compensating = logOf(
      [step("RESERVE_INVENTORY", "compensating", 1, 2), step("PROCESS_PAYMENT", "failed", 2, 3), step("CONFIRM_RESERVATION", "pending")],
      {
        status: "compensating",
        abort,
      },
    );
    const released = sagaEvent("INVENTORY_RELEASED", { reservationId: "res-1", items: [], cause: "payment_failed", reason: abort.reason });
    const [saved, sent] = decideNext(compensating, released, stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["compensated", "failed", "skipped"]);
    expect(saved).toMatchObject({ log: { status: "cancelled" } });
    expect(sent).toEqual({ type: "send", command: { type: "CANCEL_ORDER", data: { to: "orders", ...abort } } });
  });
});

describe("orchestrator: undone from outside", () => {
  const request = sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource: "customer", reason: "Cancelled by the customer" });
  const abort = { cancellationSource: "customer" as const, reason: "Cancelled by the customer" };

  test("given no log yet (the creation not delivered), when a cancel is asked, then a cancelled log, every step skipped, and CANCEL_ORDER", () => {
    const [started, sent] = decideNext(undefined, request, stepsByName, NOW);
    expect(started).toMatchObject({ type: "start", log: { status: "cancelled" } });
    expect(started?.type === "start" && started.log.steps.map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(sent).toEqual({
      type: "send",
      command: {
        type: "CANCEL_ORDER",
        data: { to: "orders", cancellationSource: "customer", reason: "Cancelled by the customer (before the saga started)" },
      },
    });
  });

  test("given a step running, when a cancel is asked, then it is recorded and the running step answers first", () => {
    spec
      .given(payingLog)
      .when(request)
      .then([{ type: "save", log: { ...payingLog, abort } }]);
  });

  test("given a cancel recorded while paying, when PAYMENT_SUCCESS, then the payment is refunded first (REFUND_PAYMENT)", () => {
    const success = sagaEvent("PAYMENT_SUCCESS", { paymentId: "txn_1", amount: 124.95, amountCents: 12495 });
    const [saved, sent] = decideNext({ ...payingLog, abort }, success, stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["done", "compensating", "pending"]);
    expect(sent).toEqual({ type: "send", command: { type: "REFUND_PAYMENT", data: { to: "payments", ...abort } } });
  });

  test("given a completed saga, when a cancel is asked, then its last undoable step is undone at once", () => {
    const [saved, sent] = decideNext(completedLog, request, stepsByName, NOW);
    expect(saved).toMatchObject({ type: "save", log: { status: "compensating", abort } });
    expect(currentStepOf(saved?.type === "save" ? saved.log : completedLog)).toBe("PROCESS_PAYMENT");
    expect(sent).toEqual({ type: "send", command: { type: "REFUND_PAYMENT", data: { to: "payments", ...abort } } });
  });

  test("given a saga being undone, when a second cancel is asked, then nothing", () => {
    spec
      .given({ ...completedLog, status: "compensating", abort })
      .when(request)
      .then([{ type: "ignore", reason: "the saga is already compensating" }]);
  });

  test("given paying, when the reservation expires (INVENTORY_RELEASED, timeout), then the step is marked undone and the payment answers first", () => {
    const expired = sagaEvent("INVENTORY_RELEASED", { reservationId: "res-1", items: [], cause: "timeout", reason: "expired" });
    spec
      .given(payingLog)
      .when(expired)
      .then([
        {
          type: "save",
          log: {
            ...payingLog,
            abort: { cancellationSource: "timeout", reason: "expired" },
            steps: [
              step("RESERVE_INVENTORY", "compensated", 1, NOW),
              step("PROCESS_PAYMENT", "running", 2),
              step("CONFIRM_RESERVATION", "pending"),
            ],
          },
        },
      ]);
  });
});

describe("orchestrator: the shipment step is one more entry in the step list", () => {
  const terms = { behaviour: "success" as const, behaviourGiven: true, skipDemoDelays: true };
  const shipFacts = { ...facts, shipment: terms };
  const withShipment = (steps: StepState[], rest: Partial<SagaLog> = {}) => logOf(steps, { facts: shipFacts, ...rest });
  const success = sagaEvent("PAYMENT_SUCCESS", { paymentId: "txn_1", amount: 124.95, amountCents: 12495 });
  const shippingLog = withShipment([
    step("RESERVE_INVENTORY", "done", 1, 2),
    step("PROCESS_PAYMENT", "done", 2, 3),
    step("CREATE_SHIPMENT", "running", 3),
    step("CONFIRM_RESERVATION", "pending"),
  ]);
  const shippedLog = withShipment(
    [
      step("RESERVE_INVENTORY", "done", 1, 2),
      step("PROCESS_PAYMENT", "done", 2, 3),
      step("CREATE_SHIPMENT", "done", 3, 4),
      step("CONFIRM_RESERVATION", "done", 4, 5),
    ],
    { status: "completed" },
  );

  test("with the setting: reserve, pay, ship, confirm; without it the list is as it was", () => {
    expect(stepsFor({ shipmentStep: true }).map((s) => s.name)).toEqual([
      "RESERVE_INVENTORY",
      "PROCESS_PAYMENT",
      "CREATE_SHIPMENT",
      "CONFIRM_RESERVATION",
    ]);
    expect(stepsFor({ shipmentStep: false }).map((s) => s.name)).toEqual(["RESERVE_INVENTORY", "PROCESS_PAYMENT", "CONFIRM_RESERVATION"]);
    expect(stepsByName.get("CREATE_SHIPMENT")?.compensation?.done).toEqual(["SHIPMENT_CANCELLED"]);
  });

  test("given no log, when an order placed with the step is created, then its log has the shipment step and keeps its terms", () => {
    const { shipment: _none, ...placed } = facts;
    const created = sagaEvent("ORDER_CREATED", { ...placed, userId: null, sagaStyle: "orchestration", shipment: terms });
    const [started] = startSaga(created, undefined, stepsFor({ shipmentStep: true }), NOW);
    expect(started?.type === "start" && started.log.steps.map((s) => [s.name, s.status])).toEqual([
      ["RESERVE_INVENTORY", "running"],
      ["PROCESS_PAYMENT", "pending"],
      ["CREATE_SHIPMENT", "pending"],
      ["CONFIRM_RESERVATION", "pending"],
    ]);
    expect(started).toMatchObject({ log: { facts: { shipment: terms } } });
  });

  test("given paying with the step, when PAYMENT_SUCCESS, then CREATE_SHIPMENT goes to shipping with the order's terms", () => {
    const paying = withShipment([
      step("RESERVE_INVENTORY", "done", 1, 2),
      step("PROCESS_PAYMENT", "running", 2),
      step("CREATE_SHIPMENT", "pending"),
      step("CONFIRM_RESERVATION", "pending"),
    ]);
    const [saved, sent] = decideNext(paying, success, stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["done", "done", "running", "pending"]);
    expect(sent).toEqual({ type: "send", command: { type: "CREATE_SHIPMENT", data: { to: "shipping", ...terms } } });
  });

  test("given shipping, when SHIPMENT_CREATED, then CONFIRM_RESERVATION goes to inventory", () => {
    const [saved, sent] = decideNext(shippingLog, sagaEvent("SHIPMENT_CREATED", { shipmentId: "shp_1" }), stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["done", "done", "done", "running"]);
    expect(sent).toEqual({ type: "send", command: { type: "CONFIRM_RESERVATION", data: { to: "inventory" } } });
  });

  test("given shipping, when SHIPMENT_FAILED, then the payment is refunded first (REFUND_PAYMENT, shipment_failed)", () => {
    const failed = sagaEvent("SHIPMENT_FAILED", { shipmentId: "shp_1", reason: "Simulated shipping failure (forced)" });
    const abort = { cancellationSource: "shipment_failed" as const, reason: "Shipment failed: Simulated shipping failure (forced)" };
    const [saved, sent] = decideNext(shippingLog, failed, stepsByName, NOW);
    expect(saved).toMatchObject({ type: "save", log: { status: "compensating", abort } });
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["done", "compensating", "failed", "pending"]);
    expect(sent).toEqual({ type: "send", command: { type: "REFUND_PAYMENT", data: { to: "payments", ...abort } } });
  });

  test("given the payment refunded after a failed shipment, when PAYMENT_REFUNDED, then RELEASE_INVENTORY (shipment_failed)", () => {
    const abort = { cancellationSource: "shipment_failed" as const, reason: "Shipment failed: lost" };
    const refunding = withShipment(
      [
        step("RESERVE_INVENTORY", "done", 1, 2),
        step("PROCESS_PAYMENT", "compensating", 2, 3),
        step("CREATE_SHIPMENT", "failed", 3, 4),
        step("CONFIRM_RESERVATION", "pending"),
      ],
      { status: "compensating", abort },
    );
    const refunded = sagaEvent("PAYMENT_REFUNDED", { paymentId: "txn_1", amountCents: 12495, reason: abort.reason, cause: null });
    const [saved, sent] = decideNext(refunding, refunded, stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["compensating", "compensated", "failed", "pending"]);
    expect(sent).toEqual({
      type: "send",
      command: { type: "RELEASE_INVENTORY", data: { to: "inventory", cancellationSource: "shipment_failed", reason: abort.reason } },
    });
  });

  test("given a shipped and completed saga, when a cancel is asked, then the parcel is called back first (CANCEL_SHIPMENT)", () => {
    const request = sagaEvent("ORDER_CANCELLATION_REQUESTED", { cancellationSource: "customer", reason: "Cancelled by the customer" });
    const abort = { cancellationSource: "customer" as const, reason: "Cancelled by the customer" };
    const [saved, sent] = decideNext(shippedLog, request, stepsByName, NOW);
    expect(saved?.type === "save" && currentStepOf(saved.log)).toBe("CREATE_SHIPMENT");
    expect(sent).toEqual({ type: "send", command: { type: "CANCEL_SHIPMENT", data: { to: "shipping", ...abort } } });
  });

  test("given the parcel being called back, when SHIPMENT_CANCELLED, then the payment is refunded next", () => {
    const abort = { cancellationSource: "customer" as const, reason: "Cancelled by the customer" };
    const calling = withShipment(
      [
        step("RESERVE_INVENTORY", "done", 1, 2),
        step("PROCESS_PAYMENT", "done", 2, 3),
        step("CREATE_SHIPMENT", "compensating", 3, 4),
        step("CONFIRM_RESERVATION", "done", 4, 5),
      ],
      { status: "compensating", abort },
    );
    const cancelled = sagaEvent("SHIPMENT_CANCELLED", { shipmentId: "shp_1", reason: "Order cancelled: Cancelled by the customer" });
    const [saved, sent] = decideNext(calling, cancelled, stepsByName, NOW);
    expect(saved?.type === "save" && saved.log.steps.map((s) => s.status)).toEqual(["done", "compensating", "compensated", "done"]);
    expect(sent).toEqual({ type: "send", command: { type: "REFUND_PAYMENT", data: { to: "payments", ...abort } } });
  });

  test("given no log yet, when a cancel of an order with the step is asked, then its four steps are skipped", () => {
    const request = sagaEvent("ORDER_CANCELLATION_REQUESTED", {
      cancellationSource: "customer",
      reason: "changed my mind",
      shipmentStep: true,
    });
    const [started] = decideNext(undefined, request, stepsByName, NOW);
    expect(started?.type === "start" && started.log.steps.map((s) => [s.name, s.status])).toEqual([
      ["RESERVE_INVENTORY", "skipped"],
      ["PROCESS_PAYMENT", "skipped"],
      ["CREATE_SHIPMENT", "skipped"],
      ["CONFIRM_RESERVATION", "skipped"],
    ]);
  });
});
