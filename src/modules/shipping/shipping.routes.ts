import { Hono } from "hono";
import { z } from "zod";
import { docs, linkHeader } from "../../platform/openapi";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { requireSession, type SessionEnv } from "../../platform/session";
import { validate } from "../../platform/validation";
import { shipmentJsonSchema } from "./shipping.schemas";
import type { ShippingService } from "./shipping.service";

/** A cursor of `GET /shipments`: [createdAt, id] of the last shipment of the previous page. */
const shipmentPositionSchema = z.tuple([z.number().int(), z.string().max(200)]).readonly();

export function shippingRoutes(service: ShippingService) {
  return new Hono<SessionEnv>().use(requireSession()).get(
    "/",
    docs({
      tag: "shipments",
      summary: "List the session's shipments",
      description:
        "Newest first, a page at a time (a bare JSON array, like the other lists; the next page in the Link header). Only orders placed with the shipment step (setting shipmentStep) are shipped.",
      answer: { description: "A page of shipments", schema: z.array(shipmentJsonSchema), headers: linkHeader },
    }),
    validate("query", pageQuerySchema),
    (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = service.listShipmentsPage(c.var.sessionId, limit, decodeCursor(cursor, shipmentPositionSchema));
      announceNextPage(c, limit, page.next);
      return c.json(page.shipments);
    },
  );
}
