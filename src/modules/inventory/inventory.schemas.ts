import { z } from "zod";
import { MAX_ORDER_LINES, orderLineInputSchema } from "../saga-terms";
import { toIso, toIsoOrNull } from "../../platform/clock";
import type { PricedLine } from "./inventory.events";
import type { ProductRow, ReservationRow } from "./inventory.sql";

export const MAX_CATALOG_PRODUCTS = 500;
export const MAX_STOCK_LEVEL = 1_000_000_000;
/**
 * $900,000: with at most 100 lines of at most 1,000,000 units, no order's total can pass
 * 100 × 1,000,000 × 90,000,000 = 9 × 10^15 cents, below 2^53, so every total is exact.
 */
export const MAX_PRICE_CENTS = 90_000_000;

const catalogProductSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1 to 64 characters of A-Z a-z 0-9 . _ : -"),
  name: z.string().trim().min(1).max(200),
  stock_level: z.number().int().min(0).max(MAX_STOCK_LEVEL),
  price_cents: z.number().int().min(0).max(MAX_PRICE_CENTS),
});

/** `POST /inventory/seed`: no body loads the default catalog; `products` replaces it for the session. */
export const seedBodySchema = z.object({
  products: z
    .array(catalogProductSchema)
    .min(1)
    .max(MAX_CATALOG_PRODUCTS)
    .refine((list) => new Set(list.map((p) => p.id)).size === list.length, "Product ids must be unique")
    .optional(),
});

/** `POST /inventory/check`: the lines an order would have (same limits), checked without reserving. */
export const checkAvailabilityBodySchema = z.object({
  items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
});

export type ReservationStatusLabel = "NO_RESERVATIONS" | "RESERVED" | "RESERVING";

export function reservationStatusOf(reserved: number, available: number): ReservationStatusLabel {
  if (reserved === 0) return "NO_RESERVATIONS";
  return available === 0 ? "RESERVED" : "RESERVING";
}

/** The wire form (snake_case, as SWAP's inventory service answers). */
export function productToJson(row: ProductRow) {
  const available = row.stockLevel - row.reserved;
  return {
    id: row.id,
    name: row.name,
    price_cents: row.priceCents,
    stock_level: row.stockLevel,
    reserved: row.reserved,
    available,
    reservationStatus: reservationStatusOf(row.reserved, available),
    version: row.version,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}
export type ProductJson = ReturnType<typeof productToJson>;

/** The wire form of a reservation (a new resource: camelCase, contract extension). */
export function reservationToJson(row: ReservationRow, items: readonly PricedLine[]) {
  return {
    id: row.id,
    orderId: row.orderId,
    items: items.map((line) => ({ product: line.product, quantity: line.quantity, priceCents: line.priceCents })),
    status: row.status,
    releaseReason: row.releaseReason,
    releaseCause: row.releaseCause,
    expiresAt: toIsoOrNull(row.expiresAt),
    restockedAt: toIsoOrNull(row.restockedAt),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
export type ReservationJson = ReturnType<typeof reservationToJson>;
