import { Hono } from "hono";
import { z } from "zod";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";

/** `DELETE /session` → `200 {"deleted": {table: rows}}`: every row of the caller's session, gone. */
export function sessionRoutes(wipe: (sessionId: string) => Promise<Record<string, number>>) {
  return new Hono<SessionEnv>().delete(
    "/",
    requireSession(),
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
