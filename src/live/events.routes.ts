import { Hono } from "hono";
import { z } from "zod";
import { eventToJson } from "../bus/event";
import { redeliveryOutcomes, type Steering } from "../bus/steering";
import type { SagaBus, SagaPayload } from "../modules/events";
import { sagaEventJsonSchema } from "../modules/events";
import { NotFoundError } from "../platform/errors";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { MAX_LIST_LIMIT, validate } from "../platform/validation";
import { eventStream, type StreamRegistry } from "./event-stream";
import type { SessionChangeFeed } from "./session-changes";

const eventPageQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
});

/**
 * `GET /events`: the session's event log, oldest first; page on with `?after=<last seq>`.
 * `GET /events/stream`: the same events live, as Server-Sent Events. EventSource cannot set
 * headers, so the stream also takes the session as `?session=`.
 */
const eventSeqParamSchema = z.object({ seq: z.coerce.number().int().min(1) });

const redeliverySchema = z
  .object({
    eventSeq: z.number().int(),
    eventType: z.string(),
    deliveries: z.array(z.object({ reaction: z.string(), outcome: z.enum(redeliveryOutcomes) })),
  })
  .meta({ id: "Redelivery" });

/** A deliberate duplicate of one of the session's events; null when the session has no event `seq`. */
export function redeliverSessionEvent(bus: SagaBus, steering: Pick<Steering<SagaPayload>, "redeliver">, sessionId: string, seq: number) {
  const event = bus.log.sessionEvent(sessionId, seq);
  if (!event) return null;
  return { eventSeq: seq, eventType: event.type, deliveries: steering.redeliver(event) };
}

export function eventsRoutes(
  bus: SagaBus,
  steering: Pick<Steering<SagaPayload>, "redeliver">,
  changes: SessionChangeFeed,
  streams: StreamRegistry,
) {
  return (
    new Hono<SessionEnv>()
      /**
       * `POST /events/:seq/redeliver`: a deliberate duplicate of one of the session's events, to
       * every reaction subscribed to it. What the relay already delivered is recognised and changes
       * nothing (`duplicate_ignored`); what it has not is delivered once, when due.
       */
      .post(
        "/:seq/redeliver",
        requireSession(),
        docs({
          tag: "events",
          summary: "Deliver an event again",
          description:
            "A deliberate duplicate of one of the session's events, to every reaction subscribed to it. A reaction that already had it answers duplicate_ignored and nothing changes; one that has not yet gets it once, when due.",
          answer: { description: "Each reaction's outcome", schema: redeliverySchema },
          errors: ["NOT_FOUND"],
        }),
        validate("param", eventSeqParamSchema),
        (c) => {
          const { seq } = c.req.valid("param");
          const redelivered = redeliverSessionEvent(bus, steering, c.var.sessionId, seq);
          if (!redelivered) throw new NotFoundError(`Event ${seq}`);
          return c.json(redelivered);
        },
      )
      .get(
        "/stream",
        requireSession({ allowQuery: true }),
        docs({
          tag: "events",
          summary: "The session's events, live (Server-Sent Events)",
          description:
            "Opens with `event: ready`, then one message per committed event: `id:` its seq, `event:` its type, `data:` the Event. `Last-Event-ID` (or ?after=) replays up to 1,000 missed events; a position the log cannot serve gets `event: RESYNC` instead. Changes no event tells of (INVENTORY_CHANGED, ORDERS_RESET, ORDERS_REBUILT, PAYMENTS_RESET, PAYMENTS_CHANGED, SETTINGS_CHANGED, DELIVERIES_CHANGED, SESSION_NAMED, CART_OPENED) arrive as named messages without an id. Browsers cannot set headers on EventSource: ?session= is accepted too. At most 8 streams per session, 64 per client address (STREAMS_PER_ADDRESS).",
          answer: { description: "An endless event stream", media: { type: "text/event-stream", schema: { type: "string" } } },
          errors: ["RATE_LIMITED"],
        }),
        eventStream(bus, changes, streams),
      )
      .get(
        "/",
        requireSession(),
        docs({
          tag: "events",
          summary: "The session's event log",
          description: "Oldest first; page on with ?after=<the last seq you have>.",
          answer: { description: "Events", schema: z.array(sagaEventJsonSchema) },
        }),
        validate("query", eventPageQuerySchema),
        (c) => {
          const { after, limit } = c.req.valid("query");
          return c.json(bus.log.sessionEvents(c.var.sessionId, after, limit).map(eventToJson));
        },
      )
  );
}
