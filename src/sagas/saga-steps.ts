import { z } from "zod";
import type { SagaEvent, SagaEventType } from "../modules/events";
import { type StepState, stepStatuses } from "../modules/orchestrator/orchestrator.decide";
import { type StepName, stepNames } from "../modules/orchestrator/orchestrator.steps";
import { toIsoOrNull } from "../platform/clock";

/** One step of a saga as `GET /sagas/:id` answers it (seed 003's saga log). */
export const sagaStepJsonSchema = z.object({
  name: z.enum(stepNames),
  status: z.enum(stepStatuses),
  startedAt: z.iso.datetime().optional(),
  endedAt: z.iso.datetime().optional(),
});
export type SagaStepJson = z.infer<typeof sagaStepJsonSchema>;

export function stepToJson(step: StepState): SagaStepJson {
  const startedAt = toIsoOrNull(step.startedAt);
  const endedAt = toIsoOrNull(step.endedAt);
  return { name: step.name, status: step.status, ...(startedAt ? { startedAt } : {}), ...(endedAt ? { endedAt } : {}) };
}

/** Whether an event is one that matters to a step. */
type Match = (event: SagaEvent) => boolean;
const typeIs =
  (...types: readonly SagaEventType[]): Match =>
  (event) =>
    types.includes(event.type);

/** How a step shows in a saga's events: what starts it, what ends it well or badly, what undoes it. */
interface StepTrace {
  name: StepName;
  startedBy: Match;
  done: Match;
  failed?: Match;
  /** None: nothing of the step to undo. */
  undoneBy?: Match;
}

/** A choreographed saga's steps: the events the participants answer one another with. */
const choreographedTraces: readonly StepTrace[] = [
  {
    name: "RESERVE_INVENTORY",
    startedBy: typeIs("ORDER_CREATED"),
    done: typeIs("INVENTORY_RESERVED"),
    failed: (e) => e.type === "INVENTORY_FAILED" && e.data.stage === "reserve",
    undoneBy: typeIs("INVENTORY_RELEASED", "INVENTORY_RESTOCKED"),
  },
  {
    name: "PROCESS_PAYMENT",
    startedBy: typeIs("INVENTORY_RESERVED"),
    done: typeIs("PAYMENT_SUCCESS"),
    failed: typeIs("PAYMENT_FAILED"),
    undoneBy: typeIs("PAYMENT_REFUNDED"),
  },
  {
    name: "CONFIRM_RESERVATION",
    startedBy: typeIs("PAYMENT_SUCCESS"),
    done: typeIs("INVENTORY_CONFIRMED"),
    failed: (e) => e.type === "INVENTORY_FAILED" && e.data.stage === "confirm",
  },
];

/**
 * The same saga placed with the shipment step: shipping answers PAYMENT_SUCCESS and inventory
 * confirms on SHIPMENT_CREATED instead, so the step sits between the payment and the confirmation.
 */
const choreographedTracesWithShipment: readonly StepTrace[] = [
  ...choreographedTraces.filter((trace) => trace.name !== "CONFIRM_RESERVATION"),
  {
    name: "CREATE_SHIPMENT",
    startedBy: typeIs("PAYMENT_SUCCESS"),
    done: typeIs("SHIPMENT_CREATED"),
    failed: typeIs("SHIPMENT_FAILED"),
    undoneBy: typeIs("SHIPMENT_CANCELLED"),
  },
  {
    name: "CONFIRM_RESERVATION",
    startedBy: typeIs("SHIPMENT_CREATED"),
    done: typeIs("INVENTORY_CONFIRMED"),
    failed: (e) => e.type === "INVENTORY_FAILED" && e.data.stage === "confirm",
  },
];

/** The traces a saga's events are read with: its style's, and in choreography whether it was placed with the shipment step. */
function tracesOf(events: readonly SagaEvent[], style: "choreography" | "rpc"): readonly StepTrace[] {
  if (style === "rpc") return rpcTraces;
  const placed = events.find((e) => e.type === "ORDER_CREATED");
  return placed?.type === "ORDER_CREATED" && placed.data.shipment ? choreographedTracesWithShipment : choreographedTraces;
}

/** An RPC_CALL of `method`, and whether it answered `field: true` (proto3's JSON leaves a false out). */
const answered =
  (method: string, field: "success" | "all_available", value: boolean): Match =>
  (e) =>
    e.type === "RPC_CALL" && e.data.method === method && (e.data.response[field] === true) === value;

/**
 * An rpc-style saga's steps: its calls (RPC_CALL, written when the answer came back). The chain
 * makes a step's call right after the one before answered, so a step runs from then; the stock
 * step fails at the availability check already. A step is undone by the chain's own call
 * (CancelReservation, Refund) or, for a cancel, timeout or expiry, by the participants' events.
 */
const rpcTraces: readonly StepTrace[] = [
  {
    name: "RESERVE_INVENTORY",
    startedBy: typeIs("ORDER_CREATED"),
    done: answered("ReserveInventory", "success", true),
    failed: (e) => answered("CheckInventoryAvailability", "all_available", false)(e) || answered("ReserveInventory", "success", false)(e),
    undoneBy: (e) => answered("CancelReservation", "success", true)(e) || typeIs("INVENTORY_RELEASED", "INVENTORY_RESTOCKED")(e),
  },
  {
    name: "PROCESS_PAYMENT",
    startedBy: answered("ReserveInventory", "success", true),
    done: answered("Charge", "success", true),
    failed: answered("Charge", "success", false),
    undoneBy: (e) => answered("Refund", "success", true)(e) || typeIs("PAYMENT_REFUNDED")(e),
  },
  {
    name: "CONFIRM_RESERVATION",
    startedBy: answered("Charge", "success", true),
    done: answered("CommitReservation", "success", true),
    failed: answered("CommitReservation", "success", false),
  },
];

/**
 * A choreographed or rpc-style saga keeps no log: its steps are read back from its events (an
 * rpc saga's from its calls), under the names an orchestrated saga's log uses, so the styles can
 * be compared side by side. A step is running from what triggers it to its result; a done step
 * is compensating once a cancel is asked for (or the saga is cancelling), compensated when its
 * undoing is in the log; a step never started in a saga that has ended is skipped.
 */
export function stepsFromEvents(events: readonly SagaEvent[], style: "choreography" | "rpc" = "choreography"): StepState[] {
  const first = (match: Match) => events.find(match);
  const ended = first(typeIs("ORDER_COMPLETED", "ORDER_CANCELLED"));
  const undoing = first(typeIs("ORDER_CANCELLATION_REQUESTED", "ORDER_CANCELLED"));
  return tracesOf(events, style).map((trace) => {
    const started = first(trace.startedBy);
    const done = first(trace.done);
    const failed = trace.failed ? first(trace.failed) : undefined;
    const undoneBy = trace.undoneBy;
    const undone = done && undoneBy ? first((e) => undoneBy(e) && e.seq > done.seq) : undefined;
    const startedAt = started?.timestamp ?? null;
    if (undone) return { name: trace.name, status: "compensated", startedAt, endedAt: undone.timestamp };
    if (done)
      return {
        name: trace.name,
        status: undoing && undoneBy && !ended ? "compensating" : "done",
        startedAt,
        endedAt: done.timestamp,
      };
    if (failed) return { name: trace.name, status: "failed", startedAt, endedAt: failed.timestamp };
    if (started && !ended) return { name: trace.name, status: "running", startedAt, endedAt: null };
    if (ended) return { name: trace.name, status: "skipped", startedAt: null, endedAt: null };
    return { name: trace.name, status: "pending", startedAt: null, endedAt: null };
  });
}
