/**
 * Ceiling H: the saga's HTTP contract with no database and no bus. The same middleware as the
 * real app (CORS, body limit, session, the order's zod schema, query and path validation)
 * answers the two requests a client makes per saga: `POST /orders` (an order made up in memory)
 * and `GET /orders/:id?wait=` (the same order, COMPLETED). A saga cannot be cheaper than its
 * own HTTP, so the real saga's ratio to this is what the database and the bus cost.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { MAX_BODY_BYTES } from "../../src/app";
import { getOrderQuerySchema, orderIdParamSchema, placeOrderBodySchema } from "../../src/modules/orders/orders.schemas";
import { requireSession, SESSION_HEADER, type SessionEnv } from "../../src/platform/session";
import { validate, validJson } from "../../src/platform/validation";

let n = 0;
const app = new Hono<SessionEnv>()
  .use(cors({ origin: "*", allowHeaders: ["Content-Type", SESSION_HEADER] }), bodyLimit({ maxSize: MAX_BODY_BYTES }))
  .get("/health", (c) => c.json({ status: "ok" }))
  .post("/orders", requireSession(), ...validJson(placeOrderBodySchema), (c) => {
    const input = c.req.valid("json");
    const now = new Date().toISOString();
    n += 1;
    return c.json({
      id: `order-${n}`,
      sagaId: `saga-${n}`,
      sessionId: c.var.sessionId,
      userId: input.userId,
      items: input.items,
      status: "PENDING",
      totalCents: 0,
      paymentBehaviour: input.paymentBehaviour,
      inventoryBehaviour: input.inventoryBehaviour,
      skipDemoDelays: input.skipDemoDelays,
      errorMessage: null,
      cancellationSource: null,
      createdAt: now,
      completedAt: null,
    });
  })
  .get("/orders/:id", requireSession(), validate("param", orderIdParamSchema), validate("query", getOrderQuerySchema), (c) => {
    const now = new Date().toISOString();
    return c.json({
      id: c.req.valid("param").id,
      sagaId: "saga",
      sessionId: c.var.sessionId,
      userId: null,
      items: [{ product: "widget", quantity: 1 }],
      status: "COMPLETED",
      totalCents: 1999,
      paymentBehaviour: "success",
      inventoryBehaviour: "success",
      skipDemoDelays: true,
      errorMessage: null,
      cancellationSource: null,
      createdAt: now,
      completedAt: now,
    });
  });

const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: process.env.HOST ?? "127.0.0.1", fetch: app.fetch });
console.log(`ceiling H listening on http://${server.hostname}:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
