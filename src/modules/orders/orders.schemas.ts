import { z } from "zod";
import { toIso, toIsoOrNull } from "../../platform/clock";
import {
  behaviourSchema,
  cancellationSourceSchema,
  MAX_ORDER_LINES,
  orderLineInputSchema,
  requestedCancellationSchema,
} from "../saga-terms";
import { sagaStyleSchema } from "../session-settings";
import { orderStatuses } from "./order-status";

export { MAX_LINE_QUANTITY, MAX_ORDER_LINES, MAX_PRODUCT_ID_LENGTH } from "../saga-terms";

import { orderChangeTypes } from "./order-aggregate";
import type { OrderItemRow, OrderRow } from "./orders.sql";

/** The fields of `POST /orders`. Unknown keys are ignored; an unknown product id is the saga's business, not a 400. */
const placeOrderFields = z.object({
  items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
  paymentBehaviour: behaviourSchema.optional(),
  inventoryBehaviour: behaviourSchema.optional(),
  // Only for an order placed while the session's shipmentStep is on; ignored otherwise.
  shippingBehaviour: behaviourSchema.optional(),
  // SWAP's first integration tests asked for a failing payment this way.
  failTransaction: z.boolean().optional(),
  skipDemoDelays: z.boolean().optional(),
  userId: z.string().max(200).nullable().optional(),
  /** This order's saga style; without it, the session's `sagaStyle` setting. */
  sagaStyle: sagaStyleSchema.optional(),
});

/** What an order asks of its saga besides its lines, with the defaults filled in (an order's and a cart's checkout's). */
function behavioursOf(body: Omit<z.output<typeof placeOrderFields>, "items">) {
  return {
    paymentBehaviour: body.paymentBehaviour ?? (body.failTransaction ? "failure" : "success"),
    inventoryBehaviour: body.inventoryBehaviour ?? "success",
    // An order that asks for nothing gets `success`, unless the session's failure-rate knobs say otherwise.
    paymentBehaviourGiven: body.paymentBehaviour !== undefined || body.failTransaction !== undefined,
    inventoryBehaviourGiven: body.inventoryBehaviour !== undefined,
    skipDemoDelays: body.skipDemoDelays ?? false,
    userId: body.userId ?? null,
    sagaStyle: body.sagaStyle,
    // Only when asked for, so an order that asks nothing of shipping reads (and hashes, for its Idempotency-Key) as before.
    ...(body.shippingBehaviour !== undefined ? { shippingBehaviour: body.shippingBehaviour } : {}),
  } as const;
}

/** `POST /orders`. */
export const placeOrderBodySchema = placeOrderFields
  // The seed document's success order: 5 Mouse Pads, 5 × 24.99.
  .meta({ example: { items: [{ product: "mouse-pad", quantity: 5 }], paymentBehaviour: "success", skipDemoDelays: false } })
  .transform(({ items, ...body }) => ({ items, ...behavioursOf(body) }));

/** Everything `POST /orders` accepts but its lines (`POST /cart/:id/checkout`: the cart has them). */
export const placeOrderBehavioursSchema = placeOrderFields
  .omit({ items: true })
  .meta({ example: { paymentBehaviour: "success", skipDemoDelays: false } })
  .transform(behavioursOf);
export type PlaceOrderInput = z.output<typeof placeOrderBodySchema>;

/** `Idempotency-Key` on `POST /orders`: 1–255 printable ASCII characters. */
export const idempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x20-\x7E]{1,255}$/, "Idempotency-Key must be 1–255 printable ASCII characters")
    .optional(),
});

export const MAX_WAIT_MS = 30_000;
/** The most versions a stream may reach (an order has a handful: created, processing, asked, completed, cancelled). */
export const MAX_ORDER_VERSION = 1_000;
export const getOrderQuerySchema = z
  .object({
    wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional(),
    // Time travel: the order as it was after its N-th own event.
    version: z.coerce.number().int().min(1).max(MAX_ORDER_VERSION).optional(),
  })
  .refine((query) => query.wait === undefined || query.version === undefined, {
    message: "A past version does not change: ?version cannot be waited on",
    path: ["wait"],
  });

/**
 * `If-Match` on `POST /orders/:id/cancel`: the version of the order the caller read (its ETag,
 * `"3"`; a weak `W/"3"` too). The cancel is refused (412 VERSION_CONFLICT) if the order moved on.
 */
export const ifMatchHeaderSchema = z.object({
  "if-match": z
    .string()
    .regex(/^(W\/)?"?[1-9][0-9]{0,5}"?$/, 'If-Match must be an order version as its ETag gives it, e.g. "3"')
    .transform((tag) => Number(tag.replace(/^W\//, "").replaceAll('"', "")))
    .optional(),
});
/** The ETag of an order at a version: what `If-Match` sends back. */
export const etagOf = (version: number): string => `"${version}"`;

/** `POST /orders/:id/cancel?wait=`: how long to wait for the order to read CANCELLED (compensation is due at once). */
export const DEFAULT_CANCEL_WAIT_MS = 2_000;
export const cancelOrderQuerySchema = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).default(DEFAULT_CANCEL_WAIT_MS),
});

/** A cursor of `GET /orders`: [createdAt, id] of the last order of the previous page. */
export const orderPositionSchema = z.tuple([z.number().int(), z.string().max(200)]).readonly();

export const orderIdParamSchema = z.object({ id: z.string().min(1).max(200) });

/** The wire form (camelCase, as SWAP's order service answers). */
export const orderJsonSchema = z
  .object({
    id: z.string(),
    sagaId: z.string(),
    sessionId: z.string(),
    userId: z.string().nullable(),
    items: z.array(z.object({ product: z.string(), quantity: z.number().int() })),
    status: z.enum(orderStatuses),
    totalCents: z.number().int().describe("Priced from the catalog when stock is reserved; 0 until then"),
    paymentBehaviour: behaviourSchema,
    inventoryBehaviour: behaviourSchema,
    skipDemoDelays: z.boolean(),
    sagaStyle: sagaStyleSchema.describe("The saga style the order was placed with (the body's, else the session's setting then)"),
    shippingBehaviour: behaviourSchema
      .optional()
      .describe("Present only on an order placed with the shipment step (the session's shipmentStep): what it asked of shipping"),
    errorMessage: z.string().nullable(),
    cancellationSource: cancellationSourceSchema.nullable(),
    cancellationRequestedBy: requestedCancellationSchema.nullable(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({
    id: "Order",
    example: {
      id: "0193a1b2-0000-7000-8000-000000000001",
      sagaId: "0193a1b2-0000-7000-8000-000000000002",
      sessionId: "my-session",
      userId: null,
      items: [{ product: "mouse-pad", quantity: 5 }],
      status: "COMPLETED",
      totalCents: 12495,
      paymentBehaviour: "success",
      inventoryBehaviour: "success",
      skipDemoDelays: false,
      sagaStyle: "choreography",
      errorMessage: null,
      cancellationSource: null,
      cancellationRequestedBy: null,
      createdAt: "2026-11-22T10:00:00.000Z",
      completedAt: "2026-11-22T10:00:08.000Z",
    },
  });
export type OrderJson = z.infer<typeof orderJsonSchema>;

export function orderToJson(order: OrderRow, items: readonly Pick<OrderItemRow, "product" | "quantity">[]): OrderJson {
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
    sagaStyle: order.sagaStyle,
    ...(order.shippingBehaviour !== null ? { shippingBehaviour: order.shippingBehaviour } : {}),
    errorMessage: order.errorMessage,
    cancellationSource: order.cancellationSource,
    cancellationRequestedBy: order.cancellationRequestedBy,
    createdAt: toIso(order.createdAt),
    completedAt: toIsoOrNull(order.completedAt),
  };
}

/** `GET /orders/:id/history`: each version of the order's stream, with the order as it was then. */
export const orderHistoryJsonSchema = z
  .array(
    z.object({
      version: z.number().int().min(1),
      type: z.enum(orderChangeTypes),
      at: z.iso.datetime(),
      state: orderJsonSchema,
    }),
  )
  .meta({ id: "OrderHistory" });

/** `POST /orders/projection/rebuild`. */
export const rebuildReportJsonSchema = z
  .object({
    rebuilt: z.number().int().describe("Orders whose rows were written again from their streams"),
    identical: z.boolean().describe("Every rebuilt row equals the row it replaced"),
    differences: z
      .array(z.object({ orderId: z.string(), fields: z.array(z.string()) }))
      .describe("The first 20 orders whose rows differed, and which columns (missing: only one side had a row)"),
  })
  .meta({ id: "ProjectionRebuild" });
