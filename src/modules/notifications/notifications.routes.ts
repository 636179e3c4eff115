import { Hono } from "hono";
import { z } from "zod";
import { docs, messageSchema } from "../../platform/openapi";
import { requireSession, type SessionEnv } from "../../platform/session";
import { listQuerySchema, validate } from "../../platform/validation";
import { type NotificationsService, notificationJsonSchema } from "./notifications.service";

export function notificationsRoutes(service: NotificationsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({
        tag: "notifications",
        summary: "The customer's inbox",
        description:
          "What a customer would receive as each saga moves on (order received, confirmed, out of stock, payment failed, cancelled, refunded), newest first.",
        answer: { description: "Messages", schema: z.array(notificationJsonSchema) },
      }),
      validate("query", listQuerySchema),
      (c) => c.json(service.listNotifications(c.var.sessionId, c.req.valid("query").limit)),
    )
    .post(
      "/reset",
      docs({ tag: "notifications", summary: "Empty the inbox", answer: { description: "Done", schema: messageSchema } }),
      (c) => {
        service.resetNotifications(c.var.sessionId);
        return c.json({ message: "Notifications reset successfully" });
      },
    );
}
