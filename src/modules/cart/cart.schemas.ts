import { z } from "zod";
import { toIso } from "../../platform/clock";
import { MAX_LINE_QUANTITY, MAX_PRODUCT_ID_LENGTH } from "../saga-terms";
import type { CartRow } from "./cart.sql";

export const cartIdParamSchema = z.object({ id: z.string().min(1).max(200) });
export const cartLineParamSchema = z.object({ id: z.string().min(1).max(200), product: z.string().min(1).max(MAX_PRODUCT_ID_LENGTH) });

/** `PUT /cart/:id/items`: the product's quantity in the cart, as an order line's bounds; 0 removes the line. */
export const setQuantityBodySchema = z
  .object({
    product: z.string().min(1).max(MAX_PRODUCT_ID_LENGTH),
    quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY),
  })
  .meta({ example: { product: "mouse-pad", quantity: 2 } });
export type SetQuantityInput = z.infer<typeof setQuantityBodySchema>;

export const cartJsonSchema = z
  .object({
    id: z.string(),
    items: z.array(
      z.object({
        product: z.string(),
        quantity: z.number().int(),
        unitPriceCents: z.number().int().optional().describe("The catalog's price now; absent for a product the catalog no longer has"),
        lineCents: z.number().int().optional().describe("quantity × unitPriceCents"),
      }),
    ),
    totalCents: z.number().int().describe("The sum of the lines priced now (an order is priced again when its stock is reserved)"),
    expiresAt: z.iso.datetime().describe("The last change plus the session's cartTtlMs then"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: "Cart",
    example: {
      id: "0193a1b2-0000-7000-8000-000000000009",
      items: [{ product: "mouse-pad", quantity: 2, unitPriceCents: 2499, lineCents: 4998 }],
      totalCents: 4998,
      expiresAt: "2026-11-22T10:30:00.000Z",
      createdAt: "2026-11-22T10:00:00.000Z",
      updatedAt: "2026-11-22T10:00:00.000Z",
    },
  });
export type CartJson = z.infer<typeof cartJsonSchema>;

/** The cart as its owner reads it: each line priced from the catalog now (`prices`: product id → cents). */
export function cartToJson(
  cart: CartRow,
  lines: readonly { product: string; quantity: number }[],
  prices: ReadonlyMap<string, number>,
): CartJson {
  const items = lines.map(({ product, quantity }) => {
    const unitPriceCents = prices.get(product);
    return unitPriceCents === undefined
      ? { product, quantity }
      : { product, quantity, unitPriceCents, lineCents: unitPriceCents * quantity };
  });
  return {
    id: cart.id,
    items,
    totalCents: items.reduce((sum, item) => sum + (item.lineCents ?? 0), 0),
    expiresAt: toIso(cart.expiresAt),
    createdAt: toIso(cart.createdAt),
    updatedAt: toIso(cart.updatedAt),
  };
}
