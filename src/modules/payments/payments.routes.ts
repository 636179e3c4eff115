import { Hono } from "hono";
import type { Deps } from "../../platform/deps";
import { type SessionEnv, requireSession } from "../../platform/session";
import { listQuerySchema, validate } from "../../platform/validation";
import { listPayments, resetPayments } from "./payments.service";

export function paymentsRoutes(deps: Deps) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", validate("query", listQuerySchema), (c) => c.json(listPayments(deps.db, c.var.sessionId, c.req.valid("query").limit)))
    .post("/reset", (c) => {
      resetPayments(deps, c.var.sessionId);
      return c.json({ message: "Payments reset successfully" });
    });
}
