import { Hono } from "hono";
import { z } from "zod";
import { eventToJson } from "../bus/event";
import type { SagaBus } from "../modules/events";
import { type SessionEnv, requireSession } from "../platform/session";
import { MAX_LIST_LIMIT, validate } from "../platform/validation";
import { type StreamRegistry, eventStream } from "./event-stream";
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
export function eventsRoutes(bus: SagaBus, changes: SessionChangeFeed, streams: StreamRegistry) {
  return new Hono<SessionEnv>()
    .get("/stream", requireSession({ allowQuery: true }), eventStream(bus, changes, streams))
    .get("/", requireSession(), validate("query", eventPageQuerySchema), (c) => {
      const { after, limit } = c.req.valid("query");
      return c.json(bus.log.sessionEvents(c.var.sessionId, after, limit).map(eventToJson));
    });
}
