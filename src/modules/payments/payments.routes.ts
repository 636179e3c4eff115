import { Hono } from "hono";
import { z } from "zod";
import { docs, linkHeader, messageSchema } from "../../platform/openapi";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { requireSession, type SessionEnv } from "../../platform/session";
import { validate } from "../../platform/validation";
import { paymentJsonSchema } from "./payments.schemas";
import type { PaymentsService } from "./payments.service";

/** A cursor of `GET /payments`: [createdAt, id] of the last payment of the previous page. */
const paymentPositionSchema = z.tuple([z.number().int(), z.string().max(200)]).readonly();

export function paymentsRoutes(service: PaymentsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({
        tag: "payments",
        summary: "List the session's payments",
        description: "Newest first, a page at a time. A bare JSON array, as SWAP answers.",
        answer: { description: "A page of payments", schema: z.array(paymentJsonSchema), headers: linkHeader },
      }),
      validate("query", pageQuerySchema),
      (c) => {
        const { limit, cursor } = c.req.valid("query");
        const page = service.listPaymentsPage(c.var.sessionId, limit, decodeCursor(cursor, paymentPositionSchema));
        announceNextPage(c, limit, page.next);
        return c.json(page.payments);
      },
    )
    .post(
      "/reset",
      docs({ tag: "payments", summary: "Reset the session's payments", answer: { description: "Done", schema: messageSchema } }),
      (c) => {
        service.resetPayments(c.var.sessionId);
        return c.json({ message: "Payments reset successfully" });
      },
    );
}
