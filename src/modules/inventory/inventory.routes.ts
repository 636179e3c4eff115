import { Hono } from "hono";
import { type SessionEnv, requireSession } from "../../platform/session";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { listQuerySchema, validJson, validate } from "../../platform/validation";
import { z } from "zod";

/** A cursor of `GET /inventory`: [name, id] of the last product of the previous page. */
const productPositionSchema = z.tuple([z.string().max(200), z.string().max(64)]).readonly();
import { checkAvailabilityBodySchema, seedBodySchema } from "./inventory.schemas";
import type { InventoryService } from "./inventory.service";

export function inventoryRoutes(service: InventoryService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", validate("query", pageQuerySchema), (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = service.listProductsPage(c.var.sessionId, limit, decodeCursor(cursor, productPositionSchema));
      announceNextPage(c, limit, page.next);
      return c.json(page.products);
    })
    .get("/stats", (c) => c.json(service.inventoryStats(c.var.sessionId)))
    .get("/reservations", validate("query", listQuerySchema), (c) =>
      c.json(service.listReservations(c.var.sessionId, c.req.valid("query").limit)),
    )
    .post("/seed", validJson(seedBodySchema), (c) => {
      const { products } = c.req.valid("json");
      return c.json({ message: "Inventory seeded successfully", products: service.seedCatalog(c.var.sessionId, products) });
    })
    .post("/check", validJson(checkAvailabilityBodySchema), (c) =>
      c.json(service.checkAvailability(c.var.sessionId, c.req.valid("json").items)),
    )
    .post("/reset", async (c) =>
      c.json({ message: "Inventory reset successfully", products: await service.resetInventory(c.var.sessionId) }),
    );
}
