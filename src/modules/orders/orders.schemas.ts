import { z } from "zod";
import { toIso, toIsoOrNull } from "../../platform/clock";
import { MAX_ORDER_LINES, behaviourSchema, orderLineInputSchema } from "../saga-terms";

export { MAX_LINE_QUANTITY, MAX_ORDER_LINES, MAX_PRODUCT_ID_LENGTH } from "../saga-terms";
import type { OrderItemRow, OrderRow } from "./orders.sql";

/** `POST /orders`. Unknown keys are ignored; an unknown product id is the saga's business, not a 400. */
export const placeOrderBodySchema = z
  .object({
    items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
    paymentBehaviour: behaviourSchema.optional(),
    inventoryBehaviour: behaviourSchema.optional(),
    // SWAP's first integration tests asked for a failing payment this way.
    failTransaction: z.boolean().optional(),
    skipDemoDelays: z.boolean().optional(),
    userId: z.string().max(200).nullable().optional(),
  })
  .transform((body) => ({
    items: body.items,
    paymentBehaviour: body.paymentBehaviour ?? (body.failTransaction ? "failure" : "success"),
    inventoryBehaviour: body.inventoryBehaviour ?? "success",
    // An order that asks for nothing gets `success`, unless the session's failure-rate knobs say otherwise.
    paymentBehaviourGiven: body.paymentBehaviour !== undefined || body.failTransaction !== undefined,
    inventoryBehaviourGiven: body.inventoryBehaviour !== undefined,
    skipDemoDelays: body.skipDemoDelays ?? false,
    userId: body.userId ?? null,
  }));
export type PlaceOrderInput = z.output<typeof placeOrderBodySchema>;

/** `Idempotency-Key` on `POST /orders`: 1–255 printable ASCII characters. */
export const idempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x20-\x7E]{1,255}$/, "Idempotency-Key must be 1–255 printable ASCII characters")
    .optional(),
});

export const MAX_WAIT_MS = 30_000;
export const getOrderQuerySchema = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional(),
});

/** `POST /orders/:id/cancel?wait=`: how long to wait for the order to read CANCELLED (compensation is due at once). */
export const DEFAULT_CANCEL_WAIT_MS = 2_000;
export const cancelOrderQuerySchema = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).default(DEFAULT_CANCEL_WAIT_MS),
});

/** A cursor of `GET /orders`: [createdAt, id] of the last order of the previous page. */
export const orderPositionSchema = z.tuple([z.number().int(), z.string().max(200)]).readonly();

export const orderIdParamSchema = z.object({ id: z.string().min(1).max(200) });

/** The wire form (camelCase, as SWAP's order service answers). */
export function orderToJson(order: OrderRow, items: readonly OrderItemRow[]) {
  return {
    id: order.id,
    sagaId: order.sagaId,
    sessionId: order.sessionId,
    userId: order.userId,
    items: items.map((item) => ({ product: item.product, quantity: item.quantity })),
    status: order.status,
    totalCents: order.totalCents,
    paymentBehaviour: order.paymentBehaviour,
    inventoryBehaviour: order.inventoryBehaviour,
    skipDemoDelays: order.skipDemoDelays,
    errorMessage: order.errorMessage,
    cancellationSource: order.cancellationSource,
    cancellationRequestedBy: order.cancellationRequestedBy,
    createdAt: toIso(order.createdAt),
    completedAt: toIsoOrNull(order.completedAt),
  };
}
export type OrderJson = ReturnType<typeof orderToJson>;
