import { Hono } from "hono";
import type { Deps } from "../../platform/deps";
import type { SessionEnv } from "../../platform/session";
import { requireSession } from "../../platform/session";
import { jsonBody, listQuerySchema, validate } from "../../platform/validation";
import { listOrderEvents } from "../../bus/event-log";
import { eventToJson } from "../../bus/events";
import { getOrderQuerySchema, orderIdParamSchema, placeOrderBodySchema } from "./orders.schemas";
import { getOrder, listOrders, placeOrder, resetOrders } from "./orders.service";
import { waitForOrderToSettle } from "./order-waiter";

export function ordersRoutes(deps: Deps) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .post("/", jsonBody(), validate("json", placeOrderBodySchema), async (c) =>
      c.json(await placeOrder(deps, c.var.sessionId, c.req.valid("json"))),
    )
    .get("/", validate("query", listQuerySchema), (c) => c.json(listOrders(deps.db, c.var.sessionId, c.req.valid("query").limit)))
    .post("/reset", (c) => {
      resetOrders(deps, c.var.sessionId);
      return c.json({ message: "Orders reset successfully" });
    })
    .get("/:id", validate("param", orderIdParamSchema), validate("query", getOrderQuerySchema), async (c) => {
      const { id } = c.req.valid("param");
      const { wait } = c.req.valid("query");
      const order = getOrder(deps.db, c.var.sessionId, id);
      if (!wait) return c.json(order);
      return c.json(await waitForOrderToSettle(deps, order, wait, c.req.raw.signal));
    })
    .get("/:id/events", validate("param", orderIdParamSchema), (c) => {
      const { id } = c.req.valid("param");
      getOrder(deps.db, c.var.sessionId, id);
      return c.json(listOrderEvents(deps.db, c.var.sessionId, id).map(eventToJson));
    });
}
