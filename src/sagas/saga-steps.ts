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

/** How a choreographed step shows in its events: what starts it, what ends it well or badly, what undoes it. */
interface StepTrace {
  name: StepName;
  startedBy: SagaEventType;
  done: SagaEventType;
  failed?: (event: SagaEvent) => boolean;
  undoneBy: readonly SagaEventType[];
}

const traces: readonly StepTrace[] = [
  {
    name: "RESERVE_INVENTORY",
    startedBy: "ORDER_CREATED",
    done: "INVENTORY_RESERVED",
    failed: (e) => e.type === "INVENTORY_FAILED" && e.data.stage === "reserve",
    undoneBy: ["INVENTORY_RELEASED", "INVENTORY_RESTOCKED"],
  },
  {
    name: "PROCESS_PAYMENT",
    startedBy: "INVENTORY_RESERVED",
    done: "PAYMENT_SUCCESS",
    failed: (e) => e.type === "PAYMENT_FAILED",
    undoneBy: ["PAYMENT_REFUNDED"],
  },
  {
    name: "CONFIRM_RESERVATION",
    startedBy: "PAYMENT_SUCCESS",
    done: "INVENTORY_CONFIRMED",
    failed: (e) => e.type === "INVENTORY_FAILED" && e.data.stage === "confirm",
    undoneBy: [],
  },
];

/**
 * A choreographed saga keeps no log: its steps are read back from its events, the same names
 * an orchestrated saga's log uses, so the two can be compared side by side. A step is running
 * from the event that triggers it to its result; a done step is compensating once a cancel is
 * asked for (or the saga is cancelling), compensated when its undoing event is in the log; a
 * step never started in a saga that has ended is skipped.
 */
export function stepsFromEvents(events: readonly SagaEvent[]): StepState[] {
  const first = (match: (e: SagaEvent) => boolean) => events.find(match);
  const ended = first((e) => e.type === "ORDER_COMPLETED" || e.type === "ORDER_CANCELLED");
  const undoing = first((e) => e.type === "ORDER_CANCELLATION_REQUESTED" || e.type === "ORDER_CANCELLED");
  return traces.map((trace) => {
    const started = first((e) => e.type === trace.startedBy);
    const done = first((e) => e.type === trace.done);
    const failed = trace.failed ? first(trace.failed) : undefined;
    const undone = done ? first((e) => trace.undoneBy.includes(e.type) && e.seq > done.seq) : undefined;
    const startedAt = started?.timestamp ?? null;
    if (undone) return { name: trace.name, status: "compensated", startedAt, endedAt: undone.timestamp };
    if (done)
      return {
        name: trace.name,
        status: undoing && trace.undoneBy.length > 0 && !ended ? "compensating" : "done",
        startedAt,
        endedAt: done.timestamp,
      };
    if (failed) return { name: trace.name, status: "failed", startedAt, endedAt: failed.timestamp };
    if (started && !ended) return { name: trace.name, status: "running", startedAt, endedAt: null };
    if (ended) return { name: trace.name, status: "skipped", startedAt: null, endedAt: null };
    return { name: trace.name, status: "pending", startedAt: null, endedAt: null };
  });
}
