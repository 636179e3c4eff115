import { Hono } from "hono";
import { eventToJson } from "../../bus/event";
import { type SessionEnv, requireSession } from "../../platform/session";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { validJson, validate } from "../../platform/validation";
import type { ModuleDeps } from "../module-deps";
import {
  cancelOrderQuerySchema,
  getOrderQuerySchema,
  idempotencyHeaderSchema,
  orderIdParamSchema,
  orderPositionSchema,
  placeOrderBodySchema,
} from "./orders.schemas";
import type { OrdersService } from "./orders.service";

export function ordersRoutes(deps: ModuleDeps, service: OrdersService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .post("/", validate("header", idempotencyHeaderSchema), validJson(placeOrderBodySchema), async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      const input = c.req.valid("json");
      if (key === undefined) return c.json(await service.placeOrder(c.var.sessionId, input));
      const { order, replayed } = await service.placeOrderOnce(c.var.sessionId, input, key);
      if (replayed) c.header("Idempotent-Replayed", "true");
      return c.json(order);
    })
    .get("/", validate("query", pageQuerySchema), (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = service.listOrdersPage(c.var.sessionId, limit, decodeCursor(cursor, orderPositionSchema));
      announceNextPage(c, limit, page.next);
      return c.json(page.orders);
    })
    .post("/reset", async (c) => {
      await service.resetOrders(c.var.sessionId);
      return c.json({ message: "Orders reset successfully" });
    })
    .get("/:id", validate("param", orderIdParamSchema), validate("query", getOrderQuerySchema), async (c) => {
      const { id } = c.req.valid("param");
      const { wait } = c.req.valid("query");
      const order = service.getOrder(c.var.sessionId, id);
      if (!wait) return c.json(order);
      return c.json(await service.waitForOrderToSettle(order, wait, c.req.raw.signal));
    })
    .post("/:id/cancel", validate("param", orderIdParamSchema), validate("query", cancelOrderQuerySchema), async (c) => {
      const { id } = c.req.valid("param");
      const order = service.requestCancellation(c.var.sessionId, id, "customer", "Cancelled by the customer");
      return c.json(await service.waitForCancellation(order, c.req.valid("query").wait, c.req.raw.signal));
    })
    .get("/:id/events", validate("param", orderIdParamSchema), (c) => {
      const { id } = c.req.valid("param");
      service.getOrder(c.var.sessionId, id);
      return c.json(deps.bus.log.orderEvents(c.var.sessionId, id).map(eventToJson));
    });
}
