import { z } from "zod";
import { toIso, toIsoOrNull } from "../../platform/clock";
import { MAX_ORDER_LINES, orderLineInputSchema, stockReturnCauseSchema } from "../saga-terms";
import type { PricedLine } from "./inventory.events";
import { type ProductRow, type ReservationRow, reservationStatuses } from "./inventory.sql";

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

export const reservationStatusLabels = ["NO_RESERVATIONS", "RESERVED", "RESERVING"] as const;
export type ReservationStatusLabel = (typeof reservationStatusLabels)[number];

export function reservationStatusOf(reserved: number, available: number): ReservationStatusLabel {
  if (reserved === 0) return "NO_RESERVATIONS";
  return available === 0 ? "RESERVED" : "RESERVING";
}

/** The wire form (snake_case, as SWAP's inventory service answers). */
export const productJsonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price_cents: z.number().int(),
    stock_level: z.number().int(),
    reserved: z.number().int().describe("Units held by PENDING reservations"),
    available: z.number().int().describe("stock_level - reserved"),
    reservationStatus: z.enum(reservationStatusLabels),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: "Product",
    example: {
      id: "mouse-pad",
      name: "Mouse Pad",
      price_cents: 2499,
      stock_level: 54,
      reserved: 5,
      available: 49,
      reservationStatus: "RESERVING",
      version: 2,
      created_at: "2026-11-22T10:00:00.000Z",
      updated_at: "2026-11-22T10:00:03.000Z",
    },
  });
export type ProductJson = z.infer<typeof productJsonSchema>;

export function productToJson(row: ProductRow): ProductJson {
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

/** The wire form of a reservation (a new resource: camelCase, contract extension). */
export const reservationJsonSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    items: z.array(z.object({ product: z.string(), quantity: z.number().int(), priceCents: z.number().int() })),
    status: z.enum(reservationStatuses),
    releaseReason: z.string().nullable(),
    releaseCause: stockReturnCauseSchema.nullable(),
    expiresAt: z.iso.datetime().nullable(),
    restockedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Reservation" });
export type ReservationJson = z.infer<typeof reservationJsonSchema>;

export function reservationToJson(row: ReservationRow, items: readonly PricedLine[]): ReservationJson {
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

/** `POST /inventory/seed` and `POST /inventory/reset`: the catalog as it now is. */
export const catalogAnswerSchema = z.object({ message: z.string(), products: z.array(productJsonSchema) }).meta({ id: "CatalogAnswer" });

/** `GET /inventory/stats` (SWAP's shape, snake_case). */
export const inventoryStatsSchema = z
  .object({
    products: z.object({
      total_products: z.number().int(),
      total_stock: z.number().int(),
      total_reserved: z.number().int(),
      total_available: z.number().int(),
    }),
    reservations: z.object({
      pending_reservations: z.number().int(),
      confirmed_reservations: z.number().int(),
      released_reservations: z.number().int(),
      total_reservations: z.number().int(),
    }),
  })
  .meta({ id: "InventoryStats" });
export type InventoryStatsJson = z.infer<typeof inventoryStatsSchema>;

/** `POST /inventory/check`: each line (merged by product) against what is available now; nothing is reserved. */
export const availabilitySchema = z
  .object({
    allAvailable: z.boolean(),
    items: z.array(z.object({ product: z.string(), requested: z.number().int(), available: z.number().int(), isAvailable: z.boolean() })),
  })
  .meta({
    id: "Availability",
    example: { allAvailable: false, items: [{ product: "laptop", requested: 9, available: 5, isAvailable: false }] },
  });
export type AvailabilityJson = z.infer<typeof availabilitySchema>;
