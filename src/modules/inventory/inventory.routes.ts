import { Hono } from "hono";
import type { Deps } from "../../platform/deps";
import { type SessionEnv, requireSession } from "../../platform/session";
import { jsonBody, listQuerySchema, validate } from "../../platform/validation";
import { seedBodySchema } from "./inventory.schemas";
import { inventoryStats, listProducts, listReservations, resetInventory, seedCatalog } from "./inventory.service";

export function inventoryRoutes(deps: Deps) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", (c) => c.json(listProducts(deps.db, c.var.sessionId)))
    .get("/stats", (c) => c.json(inventoryStats(deps.db, c.var.sessionId)))
    .get("/reservations", validate("query", listQuerySchema), (c) =>
      c.json(listReservations(deps.db, c.var.sessionId, c.req.valid("query").limit)),
    )
    .post("/seed", jsonBody(), validate("json", seedBodySchema), (c) => {
      const { products } = c.req.valid("json");
      return c.json({ message: "Inventory seeded successfully", products: seedCatalog(deps, c.var.sessionId, products) });
    })
    .post("/reset", (c) => c.json({ message: "Inventory reset successfully", products: resetInventory(deps, c.var.sessionId) }));
}
