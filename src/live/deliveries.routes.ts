import { Hono } from "hono";
import type { DeliveryLog } from "../bus/delivery-log";
import { type OrdersModule, orderIdParamSchema } from "../modules/orders";
import { NotFoundError } from "../platform/errors";
import { toIso } from "../platform/clock";
import { type SessionEnv, requireSession } from "../platform/session";
import { validate } from "../platform/validation";

/**
 * `GET /orders/:id/deliveries`: every attempt the relay made to deliver the order's events, in
 * the order it made them: `[{eventSeq, eventType, reaction, attempt, outcome, at, error?, retryAt?}]`
 * (`retryAt`: when a `failed` attempt is tried again).
 */
export function deliveriesRoutes(orders: Pick<OrdersModule["queries"], "findOrder">, deliveryLog: DeliveryLog) {
  return new Hono<SessionEnv>().get("/:id/deliveries", requireSession(), validate("param", orderIdParamSchema), (c) => {
    const { id } = c.req.valid("param");
    if (!orders.findOrder(c.var.sessionId, id)) throw new NotFoundError(`Order ${id}`);
    return c.json(
      deliveryLog
        .forOrder(c.var.sessionId, id)
        .map(({ retryAt, ...entry }) => ({ ...entry, at: toIso(entry.at), ...(retryAt === undefined ? {} : { retryAt: toIso(retryAt) }) })),
    );
  });
}
