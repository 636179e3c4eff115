import { z } from "zod";
import type { Bus } from "../bus/bus";
import type { EventDraft, EventOf, EventPayloadBase } from "../bus/event";
import { type AnyReaction, type Reaction, type ReactionContext, type ReactionSteps, reactionOf } from "../bus/reaction";
import { inventoryCommands, inventoryEvents } from "./inventory/inventory.events";
import { orderCommands, orderEvents } from "./orders/orders.events";
import { paymentCommands, paymentEvents } from "./payments/payments.events";
import { sagaStyleSchema } from "./saga-terms";
import { shippingCommands, shippingEvents } from "./shipping/shipping.events";

/**
 * Every event on the bus: one discriminated union of the modules' own event schemas, so a
 * reaction's payload is narrowed by `type`. This file is the saga's published language: a
 * module learns what another did only through these shapes.
 */
/** The commands an orchestrator sends: each names the module it is for in `data.to`, and reaches only that module's reactions. */
const sagaCommandOptions = [...orderCommands, ...inventoryCommands, ...paymentCommands, ...shippingCommands] as const;

export const sagaEventSchema = z.discriminatedUnion("type", [
  ...orderEvents,
  ...inventoryEvents,
  ...paymentEvents,
  ...shippingEvents,
  ...sagaCommandOptions,
]);

export type SagaPayload = z.infer<typeof sagaEventSchema>;
export type SagaCommandPayload = z.infer<(typeof sagaCommandOptions)[number]>;
const commandTypes: ReadonlySet<string> = new Set(sagaCommandOptions.map((o) => o.shape.type.value));
const isCommand = (payload: SagaPayload): payload is SagaCommandPayload => commandTypes.has(payload.type);
/** Whether a type is a command's (one module's to answer) rather than an event's. */
export const isCommandType = (type: SagaEventType): boolean => commandTypes.has(type);

/** The bus's `recipientOf`: the module a command is addressed to; null for an event. */
export const recipientOfSaga = (payload: SagaPayload): string | null => (isCommand(payload) ? payload.data.to : null);
export type SagaEventType = SagaPayload["type"];
export const sagaEventTypes: readonly SagaEventType[] = sagaEventSchema.options.map((o) => o.shape.type.value);

/** The modules that publish on the bus: each its own events; the orchestrator every command. */
export type PublisherName = "orders" | "inventory" | "payments" | "shipping" | "orchestrator";
const publishers = new Map<string, PublisherName>([
  ...orderEvents.map((o) => [o.shape.type.value, "orders"] as const),
  ...inventoryEvents.map((o) => [o.shape.type.value, "inventory"] as const),
  ...paymentEvents.map((o) => [o.shape.type.value, "payments"] as const),
  ...shippingEvents.map((o) => [o.shape.type.value, "shipping"] as const),
  ...sagaCommandOptions.map((o) => [o.shape.type.value, "orchestrator"] as const),
]);
/**
 * Which module emits events of `type`: the one whose event list above declares it; a command
 * is always the orchestrator's. (RPC_CALL is orders': the order service makes an rpc saga's calls.)
 */
export function publisherOf(type: SagaEventType): PublisherName {
  const publisher = publishers.get(type);
  if (publisher === undefined) throw new Error(`No module declares ${type}`);
  return publisher;
}
/** Whether `type` names one of the union's events or commands (a delivery log's string, say). */
export const isSagaEventType = (type: string): type is SagaEventType => publishers.has(type);

/** The events that end a saga: after one of them, the order is final and nothing more is opened for it. */
export const sagaEndings: readonly SagaEventType[] = ["ORDER_COMPLETED", "ORDER_CANCELLED"];

/** A committed saga event, narrowed to `T` when given. */
export type SagaEvent<T extends SagaEventType = SagaEventType> = EventOf<SagaPayload, T>;
export type SagaEventDraft = EventDraft<SagaPayload>;
export type SagaBus = Bus<SagaPayload>;
export type SagaReaction<T extends SagaEventType> = Reaction<SagaPayload, T>;
export type AnySagaReaction = AnyReaction<SagaPayload>;
export type SagaReactionContext = ReactionContext<SagaPayload>;

/** `reactionOf` for saga events: the event type, state and outcomes are inferred from the steps. */
export const sagaReaction = <T extends SagaEventType, S, O>(steps: ReactionSteps<SagaPayload, T, S, O>): SagaReaction<T> =>
  reactionOf(steps);

/** The bus's reads are parsed against the union, never cast. */
export const parseSagaPayload = (payload: EventPayloadBase): SagaPayload => sagaEventSchema.parse(payload);

/**
 * An event as the API answers it (`GET /events`, `GET /orders/:id/events`, the stream's `data:`):
 * the envelope around one of the payloads above, `seq` counting within the session.
 */
const eventEnvelopeSchema = z.object({
  id: z.string(),
  seq: z.number().int().describe("The event's place in its session's log: 1, 2, 3, ..."),
  sagaId: z.string(),
  orderId: z.string(),
  sessionId: z.string(),
  causationId: z.string().nullable().describe("The id of the event this one reacted to; null for ORDER_CREATED and a request's own events"),
  timestamp: z.iso.datetime(),
  kind: z
    .enum(["event", "command"])
    .describe("A command is addressed to one module, named in its data.to; an event is for every subscriber"),
  style: sagaStyleSchema.describe("The saga style of the order it belongs to: which reactions take part"),
});
// zod 4's union takes any array of schemas, so the mapped options need no non-empty tuple. A
// plain union (not discriminated) keeps the published document's `anyOf` as it is.
export const sagaEventJsonSchema = z
  .union(sagaEventSchema.options.map((payload) => eventEnvelopeSchema.extend(payload.shape)))
  .meta({ id: "Event" });
