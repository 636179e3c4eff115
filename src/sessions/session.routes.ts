import { Hono } from "hono";
import { type SessionEnv, requireSession } from "../platform/session";

/** `DELETE /session` → `200 {"deleted": {table: rows}}`: every row of the caller's session, gone. */
export function sessionRoutes(wipe: (sessionId: string) => Promise<Record<string, number>>) {
  return new Hono<SessionEnv>().delete("/", requireSession(), async (c) => c.json({ deleted: await wipe(c.var.sessionId) }));
}
