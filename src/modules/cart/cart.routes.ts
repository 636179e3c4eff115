import { Hono } from "hono";
import { docs, type RouteDoc } from "../../platform/openapi";
import { requireSession, type SessionEnv } from "../../platform/session";
import { validate, validJson } from "../../platform/validation";
import { idempotencyHeaderSchema, orderJsonSchema, placeOrderBehavioursSchema } from "../orders";
import type { CartCommands } from "./cart.commands";
import { cartIdParamSchema, cartJsonSchema, cartLineParamSchema, setQuantityBodySchema } from "./cart.schemas";

const cartDocs = (summary: string, description: string, errors: RouteDoc["errors"] = []) =>
  docs({ tag: "cart", summary, description, answer: { description: "The cart", schema: cartJsonSchema }, errors });

export function cartRoutes(commands: CartCommands) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .post(
      "/",
      docs({
        tag: "cart",
        summary: "Open a cart",
        description:
          "An empty cart (201). It reserves nothing and expires cartTtlMs (a session setting) after its last change. Past MAX_CARTS_PER_SESSION live carts: 429.",
        answer: { description: "The new cart", schema: cartJsonSchema },
        status: 201,
        errors: ["QUOTA_EXCEEDED"],
      }),
      (c) => c.json(commands.create(c.var.sessionId), 201),
    )
    .get(
      "/:id",
      cartDocs("Read a cart", "Its lines priced from the session's catalog now, and their total.", ["NOT_FOUND", "CART_EXPIRED"]),
      validate("param", cartIdParamSchema),
      (c) => c.json(commands.read(c.var.sessionId, c.req.valid("param").id)),
    )
    .put(
      "/:id/items",
      cartDocs(
        "Set a product's quantity in the cart",
        "The line's quantity becomes the one given (0 removes it). A product not in the catalog: 422 UNKNOWN_PRODUCT; a new line past the order's MAX_ORDER_LINES: 400.",
        ["NOT_FOUND", "CART_EXPIRED", "UNKNOWN_PRODUCT"],
      ),
      validate("param", cartIdParamSchema),
      ...validJson(setQuantityBodySchema),
      (c) => c.json(commands.setQuantity(c.var.sessionId, c.req.valid("param").id, c.req.valid("json"))),
    )
    .delete(
      "/:id/items/:product",
      cartDocs("Remove a line from the cart", "A product not in the cart: 404.", ["NOT_FOUND", "CART_EXPIRED"]),
      validate("param", cartLineParamSchema),
      (c) => {
        const { id, product } = c.req.valid("param");
        return c.json(commands.removeLine(c.var.sessionId, id, product));
      },
    )
    .post(
      "/:id/checkout",
      docs({
        tag: "cart",
        summary: "Check the cart out",
        description:
          "Places the cart's lines as an order exactly as POST /orders does (the same body but items, the same answer) and deletes the cart in the same transaction. With an Idempotency-Key, a retry answers the same order again (header Idempotent-Replayed: true) although the cart is gone. An empty cart: 409.",
        answer: { description: "The order", schema: orderJsonSchema },
        errors: ["NOT_FOUND", "CART_EXPIRED", "INVALID_STATE", "IDEMPOTENCY_KEY_REUSED", "QUOTA_EXCEEDED"],
      }),
      validate("param", cartIdParamSchema),
      validate("header", idempotencyHeaderSchema),
      ...validJson(placeOrderBehavioursSchema),
      async (c) => {
        const key = c.req.valid("header")["idempotency-key"];
        const { order, replayed } = await commands.checkout(c.var.sessionId, c.req.valid("param").id, c.req.valid("json"), key);
        if (replayed) c.header("Idempotent-Replayed", "true");
        return c.json(order);
      },
    );
}
