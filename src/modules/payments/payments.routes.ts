import { Hono } from "hono";
import { type SessionEnv, requireSession } from "../../platform/session";
import { listQuerySchema, validate } from "../../platform/validation";
import type { PaymentsService } from "./payments.service";

export function paymentsRoutes(service: PaymentsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", validate("query", listQuerySchema), (c) => c.json(service.listPayments(c.var.sessionId, c.req.valid("query").limit)))
    .post("/reset", (c) => {
      service.resetPayments(c.var.sessionId);
      return c.json({ message: "Payments reset successfully" });
    });
}
