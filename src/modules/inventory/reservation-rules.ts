import type { OrderLine } from "../saga-terms";
import type { ShortLine } from "./inventory.events";

/** An order may name a product on several lines; stock is reserved per product. */
export function mergeLines(items: readonly OrderLine[]): OrderLine[] {
  const totals = new Map<string, number>();
  for (const { product, quantity } of items) totals.set(product, (totals.get(product) ?? 0) + quantity);
  return [...totals].map(([product, quantity]) => ({ product, quantity }));
}

/** The human sentence an order carries when its stock could not be reserved. */
export function describeShortage(short: readonly (ShortLine & { known: boolean })[]): string {
  const parts = short.map((line) =>
    line.known
      ? `${line.product} (requested: ${line.requested}, available: ${line.available})`
      : `${line.product} (unknown product, requested: ${line.requested})`,
  );
  return `Insufficient stock: ${parts.join(", ")}`;
}

/** A reservation made at `now` expires `ttlMs` later (the session's reservationTtlMs then); null: never. */
export function reservationExpiresAt(now: number, ttlMs: number | null): number | null {
  return ttlMs === null ? null : now + ttlMs;
}

/** A reservation's id: `res_` and a uuid, the form SWAP's reservations have. */
export const reservationIdOf = (uuid: string) => `res_${uuid}`;

/** How long after the reservation was announced (at `from`) its expiry is due; null: never. */
export function msUntilExpiry(expiresAt: number | null, from: number): number | null {
  return expiresAt === null ? null : expiresAt - from;
}
