import { Hono } from "hono";
import { type SessionEnv, requireSession } from "../platform/session";

/** `DELETE /session` → `200 {"deleted": {table: rows}}`: every row of the caller's session, gone. */
export function sessionRoutes(wipe: (sessionId: string) => Record<string, number>) {
  return new Hono<SessionEnv>().delete("/", requireSession(), (c) => c.json({ deleted: wipe(c.var.sessionId) }));
}
