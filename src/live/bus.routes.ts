import { Hono } from "hono";
import { z } from "zod";
import { deliveryOutcomes } from "../bus/delivery-log";
import type { ScheduledDelivery } from "../bus/schedule";
import type { ByHand, Steering } from "../bus/steering";
import type { SagaPayload } from "../modules/events";
import { toIso } from "../platform/clock";
import { InvalidStateError, NotFoundError } from "../platform/errors";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { validate } from "../platform/validation";

/** At most this many of a session's scheduled deliveries (or dead letters) are listed. */
export const BUS_DELIVERIES_SHOWN = 200;

/** One scheduled delivery of an event to a reaction (`GET /bus/deliveries`). */
export const busDeliverySchema = z
  .object({
    id: z.number().int(),
    eventSeq: z.number().int().nullable().describe("The event's seq in the session's log; null once a reset removed it"),
    eventType: z.string().nullable(),
    orderId: z.string().nullable(),
    reaction: z.string().describe("module.reactionName"),
    module: z.string(),
    dueAt: z.iso.datetime(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    held: z.boolean().describe("Waiting only because the session is in step mode"),
  })
  .meta({ id: "BusDelivery" });
export type BusDeliveryJson = z.infer<typeof busDeliverySchema>;

/** A delivery given up on after MAX_DELIVERY_ATTEMPTS failures (`GET /bus/dead-letters`). */
export const deadLetterSchema = busDeliverySchema.extend({ deadLetteredAt: z.iso.datetime() }).meta({ id: "DeadLetter" });

/** What running one delivery by hand did (step, deliver, retry). */
export const ranByHandSchema = z
  .object({ delivery: busDeliverySchema, outcome: z.enum(deliveryOutcomes), error: z.string().optional() })
  .meta({ id: "RanByHand" });

export function deliveryToJson(row: ScheduledDelivery): BusDeliveryJson {
  return {
    id: row.id,
    // The event's seq as clients know it (its place in the session's log); null once a reset removed it.
    eventSeq: row.eventSessionSeq,
    eventType: row.eventType,
    orderId: row.eventOrderId,
    reaction: row.reaction,
    module: row.reaction.split(".")[0] ?? row.reaction,
    dueAt: toIso(row.dueAt),
    attempts: row.attempts,
    lastError: row.lastError,
    held: row.held === 1,
  };
}

/** A dead letter: the delivery as it stood after its last attempt, and when it was given up on. */
export function deadLetterToJson(row: ScheduledDelivery): z.infer<typeof deadLetterSchema> {
  return { ...deliveryToJson(row), deadLetteredAt: toIso(row.deadAt ?? row.dueAt) };
}
export type DeadLetterJson = ReturnType<typeof deadLetterToJson>;

/** One of an order's deliveries still to come: scheduled, or a dead letter (`deadLetteredAt` set). */
export function upcomingDeliveryToJson(row: ScheduledDelivery) {
  return { ...deliveryToJson(row), deadLetteredAt: row.deadAt === null ? null : toIso(row.deadAt) };
}
export type UpcomingDeliveryJson = ReturnType<typeof upcomingDeliveryToJson>;

/** A delivery's or dead letter's id in the path (`/bus` and the dashboard's bus panel alike). */
export const deliveryIdParam = z.object({ id: z.coerce.number().int().min(1) });

type ByHandPort = Pick<Steering<SagaPayload>, "step" | "deliver" | "retry">;

/** A delivery run by hand, as `/bus` and the dashboard both answer it: what it did, or the error when there is nothing to run. */
export const runByHand = {
  step(steering: ByHandPort, sessionId: string): ByHand {
    const result = steering.step(sessionId);
    if (!result) throw new InvalidStateError("Nothing is scheduled for this session: there is no delivery to step");
    return result;
  },
  deliver(steering: ByHandPort, sessionId: string, id: number): ByHand {
    const result = steering.deliver(sessionId, id);
    if (!result) throw new NotFoundError(`Delivery ${id}`);
    return result;
  },
  retry(steering: ByHandPort, sessionId: string, id: number): ByHand {
    const result = steering.retry(sessionId, id);
    if (!result) throw new NotFoundError(`Dead letter ${id}`);
    return result;
  },
};

/**
 * The bus, visible and steerable: `GET /bus/deliveries` (the session's scheduled deliveries,
 * next due first), `POST /bus/step` (runs the next one now, held or not),
 * `POST /bus/deliveries/:id/deliver` (runs that one now, in any order a teacher likes),
 * `GET /bus/dead-letters` (deliveries that failed MAX_DELIVERY_ATTEMPTS times, the latest
 * first) and `POST /bus/dead-letters/:id/retry` (one more attempt, now).
 */
export function busRoutes(steering: Steering<SagaPayload>) {
  const ran = (result: ByHand) => ({
    delivery: deliveryToJson(result.delivery),
    outcome: result.outcome,
    ...(result.error ? { error: result.error } : {}),
  });
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/deliveries",
      docs({
        tag: "bus",
        summary: "The session's scheduled deliveries",
        description: `Next due first, at most ${BUS_DELIVERIES_SHOWN}: demo delays, retries, orders' deadlines, and (in step mode) every delivery held.`,
        answer: { description: "Scheduled deliveries", schema: z.array(busDeliverySchema) },
      }),
      (c) => c.json(steering.scheduled(c.var.sessionId, BUS_DELIVERIES_SHOWN).map(deliveryToJson)),
    )
    .post(
      "/step",
      docs({
        tag: "bus",
        summary: "Run the next delivery now",
        description: "The session's next scheduled delivery, held or not, runs now. 409 when nothing is scheduled.",
        answer: { description: "What it did", schema: ranByHandSchema },
        errors: ["INVALID_STATE"],
      }),
      (c) => c.json(ran(runByHand.step(steering, c.var.sessionId))),
    )
    .post(
      "/deliveries/:id/deliver",
      docs({
        tag: "bus",
        summary: "Run one scheduled delivery now",
        description: "In any order a teacher likes.",
        answer: { description: "What it did", schema: ranByHandSchema },
        errors: ["NOT_FOUND"],
      }),
      validate("param", deliveryIdParam),
      (c) => c.json(ran(runByHand.deliver(steering, c.var.sessionId, c.req.valid("param").id))),
    )
    .get(
      "/dead-letters",
      docs({
        tag: "bus",
        summary: "The session's dead letters",
        description: `Deliveries that failed 5 times, the latest first (at most ${BUS_DELIVERIES_SHOWN}); their sagas wait until someone retries them.`,
        answer: { description: "Dead letters", schema: z.array(deadLetterSchema) },
      }),
      (c) => c.json(steering.deadLetters(c.var.sessionId, BUS_DELIVERIES_SHOWN).map(deadLetterToJson)),
    )
    .post(
      "/dead-letters/:id/retry",
      docs({
        tag: "bus",
        summary: "Retry a dead letter",
        description: "One more attempt, now.",
        answer: { description: "What it did", schema: ranByHandSchema },
        errors: ["NOT_FOUND"],
      }),
      validate("param", deliveryIdParam),
      (c) => c.json(ran(runByHand.retry(steering, c.var.sessionId, c.req.valid("param").id))),
    );
}
