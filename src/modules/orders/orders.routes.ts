import { Hono } from "hono";
import { z } from "zod";
import { eventToJson } from "../../bus/event";
import { docs, linkHeader, messageSchema, type RouteDoc } from "../../platform/openapi";
import { announceNextPage, decodeCursor, pageQuerySchema } from "../../platform/paging";
import { requireSession, type SessionEnv } from "../../platform/session";
import { validate, validJson } from "../../platform/validation";
import { sagaEventJsonSchema } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { OrdersCommands } from "./orders.commands";
import type { OrdersHistory } from "./orders.history";
import type { OrdersQueries } from "./orders.queries";
import {
  cancelOrderQuerySchema,
  etagOf,
  getOrderQuerySchema,
  idempotencyHeaderSchema,
  ifMatchHeaderSchema,
  orderHistoryJsonSchema,
  orderIdParamSchema,
  orderJsonSchema,
  orderPositionSchema,
  placeOrderBodySchema,
  rebuildReportJsonSchema,
} from "./orders.schemas";

const orderDocs = (summary: string, description: string, errors: RouteDoc["errors"] = []) =>
  docs({ tag: "orders", summary, description, answer: { description: "The order", schema: orderJsonSchema }, errors });

export function ordersRoutes(deps: ModuleDeps, commands: OrdersCommands, reads: OrdersQueries, history: OrdersHistory) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .post(
      "/",
      orderDocs(
        "Place an order",
        "Answers once the order and its ORDER_CREATED are committed (status PENDING); the saga then runs on the bus. Prices come from the catalog. With an Idempotency-Key, the same key and body within 24 h answer the first order again (header Idempotent-Replayed: true).",
        ["IDEMPOTENCY_KEY_REUSED", "QUOTA_EXCEEDED", "PAYLOAD_TOO_LARGE"],
      ),
      validate("header", idempotencyHeaderSchema),
      ...validJson(placeOrderBodySchema),
      async (c) => {
        const key = c.req.valid("header")["idempotency-key"];
        const input = c.req.valid("json");
        if (key === undefined) return c.json(await commands.placeOrder(c.var.sessionId, input));
        const { order, replayed } = await commands.placeOrderOnce(c.var.sessionId, input, key);
        if (replayed) c.header("Idempotent-Replayed", "true");
        return c.json(order);
      },
    )
    .get(
      "/",
      docs({
        tag: "orders",
        summary: "List the session's orders",
        description: "Newest first, a page at a time (a page holds at most 10,000 order lines). A bare JSON array, as SWAP answers.",
        answer: { description: "A page of orders", schema: z.array(orderJsonSchema), headers: linkHeader },
      }),
      validate("query", pageQuerySchema),
      (c) => {
        const { limit, cursor } = c.req.valid("query");
        const page = reads.listOrdersPage(c.var.sessionId, limit, decodeCursor(cursor, orderPositionSchema));
        announceNextPage(c, limit, page.next);
        return c.json(page.orders);
      },
    )
    .post(
      "/reset",
      docs({
        tag: "orders",
        summary: "Reset the session's orders",
        description:
          "Drops the session's orders and their sagas' history; a saga in flight that holds stock or money is compensated (ORDER_CANCELLED, operator). An order placed while it runs is kept.",
        answer: { description: "Done", schema: messageSchema },
      }),
      async (c) => {
        await commands.resetOrders(c.var.sessionId);
        return c.json({ message: "Orders reset successfully" });
      },
    )
    .post(
      "/projection/rebuild",
      docs({
        tag: "orders",
        summary: "Rebuild the orders read model from the streams",
        description:
          "Throws away the session's order rows and folds them again from each order's stream of events, comparing each with the row it replaces: identical is true when none differed; differences names the first 20 that did.",
        answer: { description: "What the rebuild found", schema: rebuildReportJsonSchema },
      }),
      async (c) => {
        return c.json(await history.rebuildProjection(c.var.sessionId));
      },
    )
    .get(
      "/:id",
      orderDocs(
        "Get an order",
        "With ?wait=ms (at most 30,000), answers once the order is COMPLETED or CANCELLED, or as it is when the wait is over. With ?version=N, the order as it was after its N-th own event (its stream). Without either, the ETag header is the order's version (for If-Match).",
        ["NOT_FOUND"],
      ),
      validate("param", orderIdParamSchema),
      validate("query", getOrderQuerySchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const { wait, version } = c.req.valid("query");
        if (version !== undefined) return c.json(history.orderAtVersion(c.var.sessionId, id, version));
        const order = reads.getOrder(c.var.sessionId, id);
        if (!wait) {
          c.header("ETag", etagOf(reads.versionOf(c.var.sessionId, id)));
          return c.json(order);
        }
        return c.json(await reads.waitForOrderToSettle(order, wait, c.req.raw.signal));
      },
    )
    .get(
      "/:id/history",
      docs({
        tag: "orders",
        summary: "An order's history, version by version",
        description: "Every event of the order's own stream, oldest first, each with the order as it was right after it.",
        answer: { description: "The order's versions", schema: orderHistoryJsonSchema },
        errors: ["NOT_FOUND"],
      }),
      validate("param", orderIdParamSchema),
      (c) => c.json(history.history(c.var.sessionId, c.req.valid("param").id)),
    )
    .post(
      "/:id/cancel",
      orderDocs(
        "Cancel an order (the customer)",
        "Records the request (ORDER_CANCELLATION_REQUESTED) and lets the saga undo itself: stock handed back, a charge refunded. Answers the order once it reads CANCELLED or after ?wait=ms (default 2,000). A cancelled order: 409. With If-Match (the ETag of GET /orders/:id), refused with 412 if the order has moved on since.",
        ["NOT_FOUND", "INVALID_STATE", "VERSION_CONFLICT"],
      ),
      validate("param", orderIdParamSchema),
      validate("query", cancelOrderQuerySchema),
      validate("header", ifMatchHeaderSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const ifVersion = c.req.valid("header")["if-match"];
        const order = commands.requestCancellation(c.var.sessionId, id, "customer", "Cancelled by the customer", { ifVersion });
        return c.json(await reads.waitForCancellation(order, c.req.valid("query").wait, c.req.raw.signal));
      },
    )
    .get(
      "/:id/events",
      docs({
        tag: "orders",
        summary: "An order's saga, event by event",
        description: "Every event of the order's saga, in the order the bus committed them.",
        answer: { description: "The saga's events", schema: z.array(sagaEventJsonSchema) },
        errors: ["NOT_FOUND"],
      }),
      validate("param", orderIdParamSchema),
      (c) => {
        const { id } = c.req.valid("param");
        reads.getOrder(c.var.sessionId, id);
        return c.json(deps.bus.log.orderEvents(c.var.sessionId, id).map(eventToJson));
      },
    );
}
