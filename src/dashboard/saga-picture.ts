/**
 * The picture of one saga as a sequence diagram, worked out from what the server keeps: the
 * order's events, the delivery log (every attempt and its outcome) and the deliveries still to
 * come. Pure: the view (views/sequence-diagram.tsx) only lays it out.
 */
import type { DeliveryLogEntry, DeliveryOutcome } from "../bus/delivery-log";
import { moduleOf as moduleOfReaction } from "../bus/subscriptions";
import type { UpcomingDeliveryJson } from "../live/bus.routes";
import { isSagaEventType, publisherOf, type SagaEvent, type SagaEventType } from "../modules/events";
import { describeEvent } from "./format";

/** Every lane a saga may have, left to right: the order service first, the listeners last. */
export const laneOrder = ["orders", "orchestrator", "inventory", "payments", "shipping", "notifications"] as const;
export type Lane = (typeof laneOrder)[number];
const isLane = (name: string): name is Lane => (laneOrder as readonly string[]).includes(name);

/** A delivery's outcome as `GET /orders/:id/deliveries` says it; one still to come; an RPC call's request or answer. */
export type ArrowOutcome = DeliveryOutcome | "scheduled" | "held" | "sent" | "answered" | "error";

export interface Arrow {
  /** Stable across refreshes of the same saga: a selected arrow stays selected. */
  id: string;
  kind: "delivery" | "upcoming" | "rpc-request" | "rpc-response";
  eventSeq: number;
  eventType: SagaEventType;
  from: Lane;
  to: Lane;
  outcome: ArrowOutcome;
  /** The reaction delivered to (deliveries); the method called (RPC). */
  reaction: string;
  attempt?: number;
  /** It undoes a step, or reports one undone. */
  compensation: boolean;
  error?: string;
  /** Applied, and the decision changed nothing: its own reason ("no money was taken: nothing to refund"). */
  ignoredBecause?: string;
  /** For one still to come, or a failure's retry: how long until it is due. */
  dueInMs?: number;
  /** When it happened (ms since the epoch): arrows are drawn in this order. */
  at: number;
}

export interface SagaPicture {
  lanes: Lane[];
  arrows: Arrow[];
}

export interface SagaPictureInput {
  events: readonly SagaEvent[];
  deliveries: readonly DeliveryLogEntry[];
  upcoming: readonly UpcomingDeliveryJson[];
  now: number;
}

/** A reaction's intent that undoes what an earlier step did (`inventory.releaseReservationWhen…`, `payments.refundOnCommand`). */
const undoingIntent = /^(release|return|refund|void|cancelShipment)/;
/** The events that report a step undone: what a compensation answers. */
const undoneReports: ReadonlySet<string> = new Set(["INVENTORY_RELEASED", "INVENTORY_RESTOCKED", "PAYMENT_REFUNDED", "SHIPMENT_CANCELLED"]);
/** An rpc saga's calls that undo: ReleaseReservation, Refund. */
const undoingMethod = /^(Release|Refund|Cancel|Void)/;

export function isCompensation(eventType: string, reaction: string): boolean {
  const intent = reaction.split(".")[1] ?? "";
  return undoneReports.has(eventType) || undoingIntent.test(intent);
}

/** An RPC_CALL's service (`inventory.v1.InventoryService`) is its module's: the name's first part. */
function calleeOf(event: SagaEvent<"RPC_CALL">): Lane | null {
  const module = event.data.service.split(".", 1)[0] ?? "";
  return isLane(module) ? module : null;
}

function rpcAnswerFailed(event: SagaEvent<"RPC_CALL">): boolean {
  const { response } = event.data;
  return "error" in response || response.success === false;
}

/** The arrows of the log: each RPC call as a request and its answer, each delivery attempt from the emitter to the reacting module. */
export function sagaPicture(input: SagaPictureInput): SagaPicture {
  const arrows: Arrow[] = [];
  for (const event of input.events) {
    if (event.type !== "RPC_CALL") continue;
    const callee = calleeOf(event);
    if (callee === null) continue;
    const { method, durationMs } = event.data;
    const compensation = undoingMethod.test(method);
    const base = { eventSeq: event.sessionSeq, eventType: event.type, reaction: method, compensation } as const;
    // Recorded when the answer came: the request left durationMs earlier.
    arrows.push({
      ...base,
      id: `r${event.sessionSeq}-request`,
      kind: "rpc-request",
      from: "orders",
      to: callee,
      outcome: "sent",
      at: event.timestamp - durationMs,
    });
    arrows.push({
      ...base,
      id: `r${event.sessionSeq}-response`,
      kind: "rpc-response",
      from: callee,
      to: "orders",
      outcome: rpcAnswerFailed(event) ? "error" : "answered",
      at: event.timestamp,
    });
  }
  const deadLettersLogged = new Set<string>();
  input.deliveries.forEach((entry, index) => {
    const to = moduleOfReaction(entry.reaction);
    if (!isSagaEventType(entry.eventType) || !isLane(to)) return;
    if (entry.outcome === "dead_lettered") deadLettersLogged.add(`${entry.eventSeq}/${entry.reaction}`);
    arrows.push({
      id: `d${index}`,
      kind: "delivery",
      eventSeq: entry.eventSeq,
      eventType: entry.eventType,
      from: publisherOf(entry.eventType),
      to,
      outcome: entry.outcome,
      reaction: entry.reaction,
      attempt: entry.attempt,
      compensation: isCompensation(entry.eventType, entry.reaction),
      ...(entry.error === undefined ? {} : { error: entry.error }),
      ...(entry.ignoredBecause === undefined ? {} : { ignoredBecause: entry.ignoredBecause }),
      ...(entry.retryAt === undefined ? {} : { dueInMs: entry.retryAt - input.now }),
      at: entry.at,
    });
  });
  for (const delivery of input.upcoming) {
    const to = moduleOfReaction(delivery.reaction);
    if (delivery.eventType === null || delivery.eventSeq === null || !isSagaEventType(delivery.eventType) || !isLane(to)) continue;
    const key = `${delivery.eventSeq}/${delivery.reaction}`;
    // A dead letter is drawn where the log tells of it; only one the log no longer holds (a restart) is drawn here.
    if (delivery.deadLetteredAt !== null && deadLettersLogged.has(key)) continue;
    const dueAt = Date.parse(delivery.dueAt);
    arrows.push({
      id: `u${delivery.id}`,
      kind: delivery.deadLetteredAt === null ? "upcoming" : "delivery",
      eventSeq: delivery.eventSeq,
      eventType: delivery.eventType,
      from: publisherOf(delivery.eventType),
      to,
      outcome: delivery.deadLetteredAt !== null ? "dead_lettered" : delivery.held ? "held" : "scheduled",
      reaction: delivery.reaction,
      attempt: delivery.attempts,
      compensation: isCompensation(delivery.eventType, delivery.reaction),
      ...(delivery.lastError === null ? {} : { error: delivery.lastError }),
      ...(delivery.deadLetteredAt === null ? { dueInMs: dueAt - input.now } : {}),
      // Still to come: after everything that happened, soonest first.
      at: delivery.deadLetteredAt === null ? Math.max(dueAt, input.now) + 1 : Date.parse(delivery.deadLetteredAt),
    });
  }
  // A stable sort: arrows of the same instant (a manual clock, one relay round) keep the log's order.
  arrows.sort((a, b) => a.at - b.at);
  const taking = new Set<Lane>(input.events.map((event) => publisherOf(event.type)));
  for (const arrow of arrows) taking.add(arrow.from).add(arrow.to);
  return { lanes: laneOrder.filter((lane) => taking.has(lane)), arrows };
}

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** The arrow in a few words (its `<title>`, the accessible text): what went where, and what became of it. */
export function arrowTitle(arrow: Arrow): string {
  const route = `${arrow.from} → ${arrow.to}`;
  const undo = arrow.compensation ? " (compensation)" : "";
  switch (arrow.outcome) {
    case "sent":
      return `${route}: call ${arrow.reaction}${undo}`;
    case "answered":
      return `${route}: answer to ${arrow.reaction}${undo}`;
    case "error":
      return `${route}: error answer to ${arrow.reaction}${undo}`;
    default:
      return `${route}: ${arrow.eventType} to ${arrow.reaction}${undo}, ${outcomeWords(arrow)}`;
  }
}

/** The outcome as a short label the diagram prints next to the arrow (never colour alone). */
export function outcomeWords(arrow: Arrow): string {
  switch (arrow.outcome) {
    case "applied":
      return arrow.ignoredBecause === undefined ? "applied" : "nothing to do";
    case "duplicate_ignored":
      return "duplicate ignored";
    case "failed":
      return arrow.dueInMs !== undefined && arrow.dueInMs > 0
        ? `failed, retry in ${seconds(arrow.dueInMs)}`
        : `failed (attempt ${arrow.attempt})`;
    case "dead_lettered":
      return `dead-lettered after ${arrow.attempt} attempts`;
    case "scheduled":
      return `due in ${seconds(arrow.dueInMs ?? 0)}`;
    case "held":
      return "held by step mode";
    case "sent":
      return "call";
    case "answered":
      return "answer";
    case "error":
      return "error answer";
  }
}

/** The svg's aria-label: the diagram in one sentence. */
export function pictureSummary(picture: SagaPicture): string {
  const count = (pick: (a: Arrow) => boolean) => picture.arrows.filter(pick).length;
  const deliveries = count((a) => a.kind === "delivery");
  const parts = [
    `${deliveries} ${deliveries === 1 ? "delivery" : "deliveries"}`,
    ...(count((a) => a.kind === "rpc-request") > 0 ? [`${count((a) => a.kind === "rpc-request")} RPC calls`] : []),
    ...(count((a) => a.outcome === "failed") > 0 ? [`${count((a) => a.outcome === "failed")} failed`] : []),
    ...(count((a) => a.outcome === "dead_lettered") > 0 ? [`${count((a) => a.outcome === "dead_lettered")} dead-lettered`] : []),
    ...(count((a) => a.compensation) > 0 ? [`${count((a) => a.compensation)} compensating`] : []),
    ...(count((a) => a.kind === "upcoming") > 0 ? [`${count((a) => a.kind === "upcoming")} still to come`] : []),
  ];
  return `The saga's sequence diagram: lanes ${picture.lanes.join(", ")}; ${parts.join(", ")}.`;
}

/**
 * One sentence on what the arrow's event means and why the reaction did what it did: what the
 * event says, then what the reacting module answered (the events it emitted in reply) or why
 * nothing changed: a decision that changed nothing is logged with its own reason
 * (`ignoredBecause`); one that did, by what it emitted (a PAYMENT_FAILED's reason, an
 * INVENTORY_RELEASED's cause).
 */
export function explain(arrow: Arrow, events: readonly SagaEvent[]): string {
  const event = events.find((e) => e.sessionSeq === arrow.eventSeq);
  const meaning = event
    ? `${arrow.eventType} (${arrow.from}): ${describeEvent(event)}.`
    : `${arrow.eventType} (${arrow.from}), no longer in the log.`;
  if (arrow.kind === "rpc-request") return `${meaning} The order service called ${arrow.to}'s ${arrow.reaction} and waited for its answer.`;
  if (arrow.kind === "rpc-response")
    return `${meaning} ${arrow.from} answered ${arrow.reaction}${arrow.outcome === "error" ? " with an error, so the order service undoes what it had done" : ""}; the order service took the next step on that answer.`;
  const answered = event
    ? events.filter((e) => e.causationId === event.id && publisherOf(e.type) === arrow.to).map((e) => `${e.type} (${describeEvent(e)})`)
    : [];
  switch (arrow.outcome) {
    case "applied":
      if (arrow.ignoredBecause !== undefined) return `${meaning} ${arrow.reaction} changed nothing: ${arrow.ignoredBecause}.`;
      return answered.length > 0
        ? `${meaning} ${arrow.reaction} applied it, and ${arrow.to} answered ${answered.join(", ")}.`
        : `${meaning} ${arrow.reaction} applied it and emitted nothing: it changed only ${arrow.to}'s own rows, or found nothing left to do.`;
    case "duplicate_ignored":
      return `${meaning} ${arrow.reaction} had already processed this event (its inbox remembers each one), so the duplicate changed nothing.`;
    case "failed":
      return `${meaning} ${arrow.reaction} failed on attempt ${arrow.attempt}${arrow.error ? ` (${arrow.error})` : ""}: its writes were rolled back and the bus tries again after a backoff.`;
    case "dead_lettered":
      return `${meaning} ${arrow.reaction} failed ${arrow.attempt} times${arrow.error ? ` (${arrow.error})` : ""}: the bus gave up and keeps it as a dead letter until it is retried from the bus panel.`;
    case "held":
      return `${meaning} ${arrow.reaction} is waiting: step mode holds every delivery until it is stepped or delivered from the bus panel.`;
    default:
      return `${meaning} ${arrow.reaction} runs in ${seconds(arrow.dueInMs ?? 0)}: the bus holds the delivery until then (a demo delay, a retry's backoff or a deadline).`;
  }
}
