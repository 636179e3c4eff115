import { Hono } from "hono";
import { z } from "zod";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { validJson } from "../platform/validation";
import { type SessionNames, sessionNamePatchSchema } from "./session-names";

export const sessionSchema = z
  .object({ sessionId: z.string(), name: z.string().nullable() })
  .meta({ id: "Session", example: { sessionId: "workshop", name: "Ada" } });

/**
 * `GET /session` → `{sessionId, name}`; `PATCH /session {name}` names it; `DELETE /session` →
 * `200 {"deleted": {table: rows}}`: every row of the caller's session, gone.
 */
export function sessionRoutes(wipe: (sessionId: string) => Promise<Record<string, number>>, names: SessionNames) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({
        tag: "operations",
        summary: "The session",
        description: "Its id and the name its attendee gave it (null until named).",
        answer: { description: "The session", schema: sessionSchema },
      }),
      (c) => c.json({ sessionId: c.var.sessionId, name: names.of(c.var.sessionId) }),
    )
    .patch(
      "/",
      docs({
        tag: "operations",
        summary: "Name the session",
        description:
          "The name the teacher's overview lists the session by: 1–40 characters once trimmed, no control characters. Anything else is a 400 and stores nothing.",
        answer: { description: "The session with its new name", schema: sessionSchema },
      }),
      ...validJson(sessionNamePatchSchema),
      (c) => c.json({ sessionId: c.var.sessionId, name: names.name(c.var.sessionId, c.req.valid("json").name) }),
    )
    .delete(
      "/",
      docs({
        tag: "operations",
        summary: "Delete the session",
        description:
          "Every row of the session, in every table, and its delivery log; open screens of the session hear of it. Nothing of any other session is touched; the session starts over as a new one.",
        answer: {
          description: "How many rows each table lost",
          schema: z
            .object({ deleted: z.record(z.string(), z.number().int()) })
            .meta({ id: "DeletedSession", example: { deleted: { orders: 3, order_items: 3, events: 15 } } }),
        },
      }),
      async (c) => c.json({ deleted: await wipe(c.var.sessionId) }),
    );
}
