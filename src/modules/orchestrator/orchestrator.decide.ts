import { z } from "zod";
import type { SagaCommandPayload, SagaEvent } from "../events";
import {
  type Abort,
  abortSchema,
  type SagaFacts,
  type Step,
  type StepName,
  sagaFactsSchema,
  stepNames,
  stepsFor,
} from "./orchestrator.steps";

/**
 * What the orchestrator decides: pure functions of its saga log and the reply delivered,
 * unit-tested without a database (tests/unit/orchestrator.decide.test.ts). It sends one
 * command at a time, moves on the reply, and undoes the steps done in reverse when one fails
 * or someone asks for a cancel. The reactions (orchestrator.reactions.ts) load the log, call
 * these and write what they answer, in the delivery's savepoint.
 */

export const stepStatuses = ["pending", "running", "done", "failed", "compensating", "compensated", "skipped"] as const;
export type StepStatus = (typeof stepStatuses)[number];

export const sagaLogStatuses = ["running", "compensating", "completed", "cancelled"] as const;
export type SagaLogStatus = (typeof sagaLogStatuses)[number];

const stepStateSchema = z.object({
  name: z.enum(stepNames),
  status: z.enum(stepStatuses),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
});
export type StepState = z.infer<typeof stepStateSchema>;

/** Seed 003's saga state: the steps and their status, why it is undone, what it knows. */
export const sagaLogSchema = z.object({
  status: z.enum(sagaLogStatuses),
  steps: z.array(stepStateSchema),
  abort: abortSchema.nullable(),
  facts: sagaFactsSchema,
});
export type SagaLog = z.infer<typeof sagaLogSchema>;

export type OrchestratorOutcome =
  | { type: "ignore"; reason: string }
  /** The saga's first log; `save` the ones after it. */
  | { type: "start"; log: SagaLog }
  | { type: "save"; log: SagaLog }
  | { type: "send"; command: SagaCommandPayload };

/** Where the steps' definitions are looked up by the names a log keeps. */
export type StepBook = ReadonlyMap<StepName, Step>;

const ignore = (reason: string): OrchestratorOutcome[] => [{ type: "ignore", reason }];

/** The step running now, or the one being undone: what GET /sagas/:id calls the current step. */
export function currentStepOf(log: SagaLog): StepName | null {
  return log.steps.find((step) => step.status === "running" || step.status === "compensating")?.name ?? null;
}

const withStep = (log: SagaLog, name: StepName, change: Partial<StepState>): SagaLog => ({
  ...log,
  steps: log.steps.map((step) => (step.name === name ? { ...step, ...change } : step)),
});

/** ORDER_CREATED of an orchestrated order: the log, and the first step's command. */
export function startSaga(
  created: SagaEvent<"ORDER_CREATED">,
  existing: SagaLog | undefined,
  steps: readonly Step[],
  now: number,
): OrchestratorOutcome[] {
  if (existing) return ignore("the saga has started already");
  const [first] = steps;
  const { items, inventoryBehaviour, inventoryBehaviourGiven, paymentBehaviour, paymentBehaviourGiven, skipDemoDelays } = created.data;
  const facts: SagaFacts = {
    items,
    inventoryBehaviour,
    inventoryBehaviourGiven,
    paymentBehaviour,
    paymentBehaviourGiven,
    skipDemoDelays,
    totalCents: 0,
    shipment: created.data.shipment ?? null,
  };
  const log: SagaLog = {
    status: "running",
    steps: steps.map((step) => ({ name: step.name, status: "pending", startedAt: null, endedAt: null })),
    abort: null,
    facts,
  };
  if (!first) return [{ type: "start", log: { ...log, status: "completed" } }, complete(log)];
  return [{ type: "start", log: withStep(log, first.name, { status: "running", startedAt: now }) }, send(first.command(facts))];
}

const send = (command: SagaCommandPayload): OrchestratorOutcome => ({ type: "send", command });
const complete = (log: SagaLog): OrchestratorOutcome =>
  send({ type: "COMPLETE_ORDER", data: { to: "orders", totalCents: log.facts.totalCents } });

/**
 * A reply (or a cancellation request) reaches the orchestrator. A reply that is not the one the
 * saga waits for changes nothing: a duplicate, or a reply to a step already settled.
 */
export function decideNext(log: SagaLog | undefined, reply: SagaEvent, book: StepBook, now: number): OrchestratorOutcome[] {
  if (!log && reply.type === "ORDER_CANCELLATION_REQUESTED") return cancelledBeforeStart(reply, book, now);
  if (!log) return ignore("no orchestrated saga for this order (another style, or reset away)");
  if (reply.type === "ORDER_CANCELLATION_REQUESTED") return onCancellationRequested(log, reply, book, now);
  if (log.status === "cancelled") return ignore("the saga is already undone");

  const compensating = log.steps.find((step) => step.status === "compensating");
  if (compensating && book.get(compensating.name)?.compensation?.done.includes(reply.type)) {
    return compensateNext(withStep(log, compensating.name, { status: "compensated", endedAt: now }), book, now);
  }

  const running = log.steps.find((step) => step.status === "running");
  const step = running ? book.get(running.name) : undefined;
  if (running && step?.succeeded.includes(reply.type)) {
    const facts = step.learn ? step.learn(log.facts, reply) : log.facts;
    const moved = { ...withStep(log, running.name, { status: "done" as const, endedAt: now }), facts };
    return moved.abort ? compensateNext({ ...moved, status: "compensating" }, book, now) : runNext(moved, book, now);
  }
  if (running && step?.failed.includes(reply.type)) {
    const failed = withStep(log, running.name, { status: "failed", endedAt: now });
    return compensateNext({ ...failed, status: "compensating", abort: log.abort ?? step.failure(reply) }, book, now);
  }

  // A participant undid a step of its own accord (a reservation expired): the saga is undone from there.
  const undone = log.steps.find((s) => s.status === "done" && book.get(s.name)?.compensation?.done.includes(reply.type));
  if (undone) {
    const abort = log.abort ?? abortOfReturn(reply);
    const marked = { ...withStep(log, undone.name, { status: "compensated" as const, endedAt: now }), abort };
    // The step running now answers first; its reply then moves the saga to its compensation.
    if (running) return [{ type: "save", log: marked }];
    return compensateNext({ ...marked, status: "compensating" }, book, now);
  }
  return ignore(`the saga does not wait for ${reply.type} (${log.status}${running ? `, ${running.name} running` : ""})`);
}

/** Why stock went back on its own: the order's cancellationSource (an expiry: timeout). */
function abortOfReturn(reply: SagaEvent): Abort {
  if (reply.type === "INVENTORY_RELEASED" || reply.type === "INVENTORY_RESTOCKED") {
    return { cancellationSource: reply.data.cause, reason: reply.data.reason };
  }
  return { cancellationSource: "operator", reason: `${reply.type} outside the saga's steps` };
}

/**
 * Someone asked for the saga to be undone. A completed saga is undone at once; a running one
 * when its running step answers (one command at a time: the participant is never asked to undo
 * what it may still be doing). Already being undone: nothing more.
 */
function onCancellationRequested(
  log: SagaLog,
  request: SagaEvent<"ORDER_CANCELLATION_REQUESTED">,
  book: StepBook,
  now: number,
): OrchestratorOutcome[] {
  if (log.status === "compensating" || log.status === "cancelled") return ignore(`the saga is already ${log.status}`);
  if (log.abort) return ignore("a cancellation is already on its way");
  const abort: Abort = { cancellationSource: request.data.cancellationSource, reason: request.data.reason };
  if (log.status === "completed") return compensateNext({ ...log, status: "compensating", abort }, book, now);
  return [{ type: "save", log: { ...log, abort } }];
}

/**
 * A cancel that reaches the orchestrator before the order's creation does (step mode delivers
 * in any order): nothing was asked of anyone, so the saga is logged as cancelled with every
 * step skipped, and the creation delivered later finds it and starts nothing.
 */
function cancelledBeforeStart(request: SagaEvent<"ORDER_CANCELLATION_REQUESTED">, book: StepBook, now: number): OrchestratorOutcome[] {
  const abort: Abort = { cancellationSource: request.data.cancellationSource, reason: `${request.data.reason} (before the saga started)` };
  const log: SagaLog = {
    status: "cancelled",
    // The steps the order would have taken: one placed with the shipment step says so on its cancellation.
    steps: stepsFor({ shipmentStep: request.data.shipmentStep === true })
      .filter((step) => book.has(step.name))
      .map((step) => ({ name: step.name, status: "skipped", startedAt: null, endedAt: now })),
    abort,
    facts: { ...noFacts },
  };
  return [{ type: "start", log }, send({ type: "CANCEL_ORDER", data: { to: "orders", ...abort } })];
}

/** What a saga cancelled before it started knows: nothing. */
const noFacts: SagaFacts = {
  items: [],
  inventoryBehaviour: "success",
  inventoryBehaviourGiven: false,
  paymentBehaviour: "success",
  paymentBehaviourGiven: false,
  skipDemoDelays: false,
  totalCents: 0,
  shipment: null,
};

/** The next step's command, or the order's completion when every step is done. */
function runNext(log: SagaLog, book: StepBook, now: number): OrchestratorOutcome[] {
  const next = log.steps.find((step) => step.status === "pending");
  const step = next ? book.get(next.name) : undefined;
  if (!next || !step) return [{ type: "save", log: { ...log, status: "completed" } }, complete(log)];
  return [{ type: "save", log: withStep(log, next.name, { status: "running", startedAt: now }) }, send(step.command(log.facts))];
}

/**
 * The compensation of the last step done that has one, or, when none is left, the order's
 * cancellation (the steps never run are skipped).
 */
function compensateNext(log: SagaLog, book: StepBook, now: number): OrchestratorOutcome[] {
  const abort = log.abort ?? { cancellationSource: "operator", reason: "undone" };
  const toUndo = [...log.steps].reverse().find((step) => step.status === "done" && book.get(step.name)?.compensation);
  const compensation = toUndo ? book.get(toUndo.name)?.compensation : undefined;
  if (toUndo && compensation) {
    return [{ type: "save", log: withStep(log, toUndo.name, { status: "compensating" }) }, send(compensation.command(abort))];
  }
  const ended: SagaLog = {
    ...log,
    status: "cancelled",
    abort,
    steps: log.steps.map((step) => (step.status === "pending" ? { ...step, status: "skipped", endedAt: now } : step)),
  };
  return [{ type: "save", log: ended }, send({ type: "CANCEL_ORDER", data: { to: "orders", ...abort } })];
}
