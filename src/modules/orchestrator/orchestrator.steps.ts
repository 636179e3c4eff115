import { z } from "zod";
import type { SagaCommandPayload, SagaEvent, SagaEventType } from "../events";
import {
  behaviourSchema,
  type CancellationSource,
  cancellationSourceSchema,
  orderLineSchema,
  type StockReturnCause,
  shipmentTermsSchema,
} from "../saga-terms";
import type { SessionSettings } from "../session-settings";

/**
 * The orchestrated saga as data: each step is one command to one participant and the replies
 * that end it, with the command that undoes it. The orchestrator's decisions
 * (orchestrator.decide.ts) only walk this list, so a new step is one more entry here: the
 * shipment step (CREATE_SHIPMENT, undone by CANCEL_SHIPMENT) changed nothing in inventory,
 * payments or orders, where in choreography it changed who listens to whom.
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
  /** What the order asks of shipping when it was placed with the shipment step; null: no such step (and logs kept before it existed). */
  shipment: shipmentTermsSchema.nullable().default(null),
});
export type SagaFacts = z.infer<typeof sagaFactsSchema>;

/** Why the saga is being undone: becomes the order's cancellationSource and errorMessage. */
export const abortSchema = z.object({ cancellationSource: cancellationSourceSchema, reason: z.string() });
export type Abort = z.infer<typeof abortSchema>;

export const stepNames = ["RESERVE_INVENTORY", "PROCESS_PAYMENT", "CREATE_SHIPMENT", "CONFIRM_RESERVATION"] as const;
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
  reply.type === "INVENTORY_FAILED" || reply.type === "PAYMENT_FAILED" || reply.type === "SHIPMENT_FAILED"
    ? reply.data.reason
    : `unexpected ${reply.type}`;

const reserveInventory: Step = {
  name: "RESERVE_INVENTORY",
  command: ({ totalCents: _, shipment: __, ...order }) => ({ type: "RESERVE_INVENTORY", data: { to: "inventory", ...order } }),
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

/**
 * The shipment step: after the payment, before the stock is taken for good. A failed shipment
 * undoes the payment and the reservation (`shipment_failed`); a shipped order undone later has
 * its parcel called back first.
 */
const createShipment: Step = {
  name: "CREATE_SHIPMENT",
  command: ({ shipment, skipDemoDelays }) => ({
    type: "CREATE_SHIPMENT",
    // A saga has this step only when its order was placed with the terms; the fallback asks nothing particular.
    data: { to: "shipping", ...(shipment ?? { behaviour: "success", behaviourGiven: false, skipDemoDelays }) },
  }),
  succeeded: ["SHIPMENT_CREATED"],
  failed: ["SHIPMENT_FAILED"],
  failure: (reply) => ({ cancellationSource: "shipment_failed", reason: `Shipment failed: ${reasonOf(reply)}` }),
  compensation: {
    command: ({ cancellationSource, reason }) => ({ type: "CANCEL_SHIPMENT", data: { to: "shipping", cancellationSource, reason } }),
    done: ["SHIPMENT_CANCELLED"],
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
  [reserveInventory, processPayment, createShipment, confirmReservation].map((step) => [step.name, step]),
);

/**
 * What the step list depends on: the session's settings when the order was placed (the order
 * keeps them: `shipmentStep` travels on ORDER_CREATED as its shipment terms).
 */
export type StepOptions = Partial<Pick<SessionSettings, "shipmentStep">>;

/**
 * The steps of a saga placed with these settings, in order. Turning the shipment step on is
 * this one choice of the orchestrated saga: CREATE_SHIPMENT after the payment, before the stock
 * is confirmed, and its compensation (CANCEL_SHIPMENT) among the others.
 */
export function stepsFor({ shipmentStep = false }: StepOptions = {}): readonly Step[] {
  return shipmentStep
    ? [reserveInventory, processPayment, createShipment, confirmReservation]
    : [reserveInventory, processPayment, confirmReservation];
}

/** Every reply any step waits for, and the cancellation request: what the orchestrator subscribes to. */
export function repliesOf(steps: Iterable<Step>): SagaEventType[] {
  const types = new Set<SagaEventType>(["ORDER_CANCELLATION_REQUESTED"]);
  for (const step of steps) {
    for (const type of [...step.succeeded, ...step.failed, ...(step.compensation?.done ?? [])]) types.add(type);
  }
  return [...types];
}
