import { Hono } from "hono";
import { z } from "zod";
import { docs, linkHeader } from "../../platform/openapi";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { requireSession, type SessionEnv } from "../../platform/session";
import { listQuerySchema, validate, validJson } from "../../platform/validation";
import type { InventoryCatalog } from "./inventory.catalog";
import type { InventoryQueries } from "./inventory.queries";
import {
  availabilitySchema,
  catalogAnswerSchema,
  checkAvailabilityBodySchema,
  inventoryStatsSchema,
  productJsonSchema,
  reservationJsonSchema,
  seedBodySchema,
} from "./inventory.schemas";

/** A cursor of `GET /inventory`: [name, id] of the last product of the previous page. */
const productPositionSchema = z.tuple([z.string().max(200), z.string().max(64)]).readonly();

export function inventoryRoutes(catalog: InventoryCatalog, reads: InventoryQueries) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({
        tag: "inventory",
        summary: "List the session's catalog",
        description: "By name, a page at a time. A bare JSON array, as SWAP answers.",
        answer: { description: "A page of products", schema: z.array(productJsonSchema), headers: linkHeader },
      }),
      validate("query", pageQuerySchema),
      (c) => {
        const { limit, cursor } = c.req.valid("query");
        const page = catalog.listProductsPage(c.var.sessionId, limit, decodeCursor(cursor, productPositionSchema));
        announceNextPage(c, limit, page.next);
        return c.json(page.products);
      },
    )
    .get(
      "/stats",
      docs({
        tag: "inventory",
        summary: "Stock and reservation totals",
        answer: { description: "The session's totals (SWAP's shape)", schema: inventoryStatsSchema },
      }),
      (c) => c.json(reads.inventoryStats(c.var.sessionId)),
    )
    .get(
      "/reservations",
      docs({
        tag: "inventory",
        summary: "List the session's reservations",
        description: "Newest first, each with its priced lines: PENDING, then CONFIRMED or RELEASED.",
        answer: { description: "Reservations", schema: z.array(reservationJsonSchema) },
      }),
      validate("query", listQuerySchema),
      (c) => c.json(reads.listReservations(c.var.sessionId, c.req.valid("query").limit)),
    )
    .post(
      "/seed",
      docs({
        tag: "inventory",
        summary: "Seed the catalog",
        description:
          "No body (or {}) loads the default catalog: 7 products, 235 units (the `benchmark` session: 999 of each). A `products` list makes the catalog exactly that list. Units held by orders in flight are kept: a catalog that would drop or undercut them is a 409.",
        answer: { description: "The catalog as it now is", schema: catalogAnswerSchema },
        errors: ["INVALID_STATE", "PAYLOAD_TOO_LARGE"],
      }),
      ...validJson(seedBodySchema),
      (c) => {
        const { products } = c.req.valid("json");
        return c.json({ message: "Inventory seeded successfully", products: catalog.seedCatalog(c.var.sessionId, products) });
      },
    )
    .post(
      "/check",
      docs({
        tag: "inventory",
        summary: "Check availability",
        description: "The lines an order would have, each against what is available now. Nothing is reserved or written.",
        answer: { description: "Each line's availability", schema: availabilitySchema },
        errors: ["PAYLOAD_TOO_LARGE"],
      }),
      ...validJson(checkAvailabilityBodySchema),
      (c) => c.json(reads.checkAvailability(c.var.sessionId, c.req.valid("json").items)),
    )
    .post(
      "/reset",
      docs({
        tag: "inventory",
        summary: "Reset the inventory",
        description:
          "Drops the session's reservations and products and reloads the default catalog. Sagas in flight find their reservation gone: a charge already taken is refunded.",
        answer: { description: "The catalog as it now is", schema: catalogAnswerSchema },
      }),
      async (c) => c.json({ message: "Inventory reset successfully", products: await catalog.resetInventory(c.var.sessionId) }),
    );
}
