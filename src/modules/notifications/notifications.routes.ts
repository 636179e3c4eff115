import { Hono } from "hono";
import { type SessionEnv, requireSession } from "../../platform/session";
import { listQuerySchema, validate } from "../../platform/validation";
import type { NotificationsService } from "./notifications.service";

export function notificationsRoutes(service: NotificationsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", validate("query", listQuerySchema), (c) => c.json(service.listNotifications(c.var.sessionId, c.req.valid("query").limit)))
    .post("/reset", (c) => {
      service.resetNotifications(c.var.sessionId);
      return c.json({ message: "Notifications reset successfully" });
    });
}
