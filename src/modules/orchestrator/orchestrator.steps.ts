import { z } from "zod";
import type { SagaCommandPayload, SagaEvent, SagaEventType } from "../events";
import { behaviourSchema, type CancellationSource, cancellationSourceSchema, orderLineSchema, type StockReturnCause } from "../saga-terms";
import type { SessionSettings } from "../session-settings";

/**
 * The orchestrated saga as data: each step is one command to one participant and the replies
 * that end it, with the command that undoes it. The orchestrator's decisions
 * (orchestrator.decide.ts) only walk this list, so a new step (a shipment) is one more entry
 * here, and no participant changes.
 */

/** What the orchestrator knows of its saga, kept in its log: enough to build every command. */
export const sagaFactsSchema = z.object({
  items: z.array(orderLineSchema),
  inventoryBehaviour: behaviourSchema,
  inventoryBehaviourGiven: z.boolean(),
  paymentBehaviour: behaviourSchema,
  paymentBehaviourGiven: z.boolean(),
  skipDemoDelays: z.boolean(),
  /** Priced by inventory when it reserves the stock; 0 until then. */
  totalCents: z.number().int(),
});
export type SagaFacts = z.infer<typeof sagaFactsSchema>;

/** Why the saga is being undone: becomes the order's cancellationSource and errorMessage. */
export const abortSchema = z.object({ cancellationSource: cancellationSourceSchema, reason: z.string() });
export type Abort = z.infer<typeof abortSchema>;

export const stepNames = ["RESERVE_INVENTORY", "PROCESS_PAYMENT", "CONFIRM_RESERVATION"] as const;
export type StepName = (typeof stepNames)[number];

export interface Step {
  /** The step's name in the saga log: the command it sends. */
  name: StepName;
  command(facts: SagaFacts): SagaCommandPayload;
  /** The replies that end it well, and what they teach the saga. */
  succeeded: readonly SagaEventType[];
  learn?(facts: SagaFacts, reply: SagaEvent): SagaFacts;
  /** The replies that end it badly, and why the saga is then undone. */
  failed: readonly SagaEventType[];
  failure(reply: SagaEvent): Abort;
  /** The command that undoes it once done, and the replies that say it is undone; none: nothing of it to undo. */
  compensation?: { command(abort: Abort): SagaCommandPayload; done: readonly SagaEventType[] };
}

/** A stock return names a cause a reservation knows; a saga that never held stock has none to give. */
const stockCause = (source: CancellationSource): StockReturnCause => (source === "inventory_depleted" ? "operator" : source);

const reasonOf = (reply: SagaEvent): string =>
  reply.type === "INVENTORY_FAILED" || reply.type === "PAYMENT_FAILED" ? reply.data.reason : `unexpected ${reply.type}`;

const reserveInventory: Step = {
  name: "RESERVE_INVENTORY",
  command: ({ totalCents: _, ...order }) => ({ type: "RESERVE_INVENTORY", data: { to: "inventory", ...order } }),
  succeeded: ["INVENTORY_RESERVED"],
  learn: (facts, reply) => (reply.type === "INVENTORY_RESERVED" ? { ...facts, totalCents: reply.data.totalCents } : facts),
  failed: ["INVENTORY_FAILED"],
  failure: (reply) => ({ cancellationSource: "inventory_depleted", reason: `Inventory failed: ${reasonOf(reply)}` }),
  compensation: {
    command: ({ cancellationSource, reason }) => ({
      type: "RELEASE_INVENTORY",
      data: { to: "inventory", cancellationSource: stockCause(cancellationSource), reason },
    }),
    // A completed order's stock is put back on the shelf rather than handed back.
    done: ["INVENTORY_RELEASED", "INVENTORY_RESTOCKED"],
  },
};

const processPayment: Step = {
  name: "PROCESS_PAYMENT",
  command: ({ totalCents, paymentBehaviour, paymentBehaviourGiven, skipDemoDelays }) => ({
    type: "PROCESS_PAYMENT",
    data: { to: "payments", totalCents, paymentBehaviour, paymentBehaviourGiven, skipDemoDelays },
  }),
  succeeded: ["PAYMENT_SUCCESS"],
  failed: ["PAYMENT_FAILED"],
  failure: (reply) => ({ cancellationSource: "payment_failed", reason: `Payment failed: ${reasonOf(reply)}` }),
  compensation: {
    command: ({ cancellationSource, reason }) => ({ type: "REFUND_PAYMENT", data: { to: "payments", cancellationSource, reason } }),
    done: ["PAYMENT_REFUNDED"],
  },
};

const confirmReservation: Step = {
  name: "CONFIRM_RESERVATION",
  command: () => ({ type: "CONFIRM_RESERVATION", data: { to: "inventory" } }),
  succeeded: ["INVENTORY_CONFIRMED"],
  learn: (facts, reply) => (reply.type === "INVENTORY_CONFIRMED" ? { ...facts, totalCents: reply.data.totalCents } : facts),
  // The stock was no longer held when the payment came (it expired, or a reset took it).
  failed: ["INVENTORY_FAILED"],
  failure: (reply) => ({
    cancellationSource: reply.type === "INVENTORY_FAILED" ? (reply.data.cause ?? "operator") : "operator",
    reason: reasonOf(reply),
  }),
  // Taking the stock for good is undone by the reservation's own compensation (a restock).
};

/** Every step an orchestrated saga may take, by name: a saga's log names its own, whatever the settings say now. */
export const stepsByName: ReadonlyMap<StepName, Step> = new Map(
  [reserveInventory, processPayment, confirmReservation].map((step) => [step.name, step]),
);

/** What the step list may depend on: the session's settings when the order is placed (none does yet; a shipment step would). */
export type StepOptions = Partial<SessionSettings>;

/** The steps of a saga placed with these settings, in order. */
export function stepsFor(_options: StepOptions = {}): readonly Step[] {
  return [reserveInventory, processPayment, confirmReservation];
}

/** Every reply any step waits for, and the cancellation request: what the orchestrator subscribes to. */
export function repliesOf(steps: Iterable<Step>): SagaEventType[] {
  const types = new Set<SagaEventType>(["ORDER_CANCELLATION_REQUESTED"]);
  for (const step of steps) {
    for (const type of [...step.succeeded, ...step.failed, ...(step.compensation?.done ?? [])]) types.add(type);
  }
  return [...types];
}
