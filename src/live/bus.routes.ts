import { Hono } from "hono";
import { z } from "zod";
import type { DueDeliveryRow } from "../bus/bus.sql";
import type { ByHand, Relay } from "../bus/relay";
import type { SagaPayload } from "../modules/events";
import { toIso } from "../platform/clock";
import { InvalidStateError, NotFoundError } from "../platform/errors";
import { type SessionEnv, requireSession } from "../platform/session";
import { validate } from "../platform/validation";

/** At most this many of a session's scheduled deliveries (or dead letters) are listed. */
export const BUS_DELIVERIES_SHOWN = 200;

export function deliveryToJson(row: DueDeliveryRow) {
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
export type BusDeliveryJson = ReturnType<typeof deliveryToJson>;

/** A dead letter: the delivery as it stood after its last attempt, and when it was given up on. */
export function deadLetterToJson(row: DueDeliveryRow) {
  return { ...deliveryToJson(row), deadLetteredAt: toIso(row.deadAt ?? row.dueAt) };
}
export type DeadLetterJson = ReturnType<typeof deadLetterToJson>;

/** One of an order's deliveries still to come: scheduled, or a dead letter (`deadLetteredAt` set). */
export function upcomingDeliveryToJson(row: DueDeliveryRow) {
  return { ...deliveryToJson(row), deadLetteredAt: row.deadAt === null ? null : toIso(row.deadAt) };
}
export type UpcomingDeliveryJson = ReturnType<typeof upcomingDeliveryToJson>;

const deliveryIdParam = z.object({ id: z.coerce.number().int().min(1) });

/**
 * The bus, visible and steerable: `GET /bus/deliveries` (the session's scheduled deliveries,
 * next due first), `POST /bus/step` (runs the next one now, held or not),
 * `POST /bus/deliveries/:id/deliver` (runs that one now, in any order a teacher likes),
 * `GET /bus/dead-letters` (deliveries that failed MAX_DELIVERY_ATTEMPTS times, the latest
 * first) and `POST /bus/dead-letters/:id/retry` (one more attempt, now).
 */
export function busRoutes(relay: Relay<SagaPayload>) {
  const ran = (result: ByHand | null) =>
    result && { delivery: deliveryToJson(result.delivery), outcome: result.outcome, ...(result.error ? { error: result.error } : {}) };
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/deliveries", (c) => c.json(relay.scheduledFor(c.var.sessionId, BUS_DELIVERIES_SHOWN).map(deliveryToJson)))
    .post("/step", (c) => {
      const result = ran(relay.deliverNow(c.var.sessionId));
      if (!result) throw new InvalidStateError("Nothing is scheduled for this session: there is no delivery to step");
      return c.json(result);
    })
    .post("/deliveries/:id/deliver", validate("param", deliveryIdParam), (c) => {
      const { id } = c.req.valid("param");
      const result = ran(relay.deliverNow(c.var.sessionId, id));
      if (!result) throw new NotFoundError(`Delivery ${id}`);
      return c.json(result);
    })
    .get("/dead-letters", (c) => c.json(relay.deadLettersOf(c.var.sessionId, BUS_DELIVERIES_SHOWN).map(deadLetterToJson)))
    .post("/dead-letters/:id/retry", validate("param", deliveryIdParam), (c) => {
      const { id } = c.req.valid("param");
      const result = ran(relay.retryDeadLetter(c.var.sessionId, id));
      if (!result) throw new NotFoundError(`Dead letter ${id}`);
      return c.json(result);
    });
}
