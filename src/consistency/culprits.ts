import type { LoggedEvent } from "../bus/bus.queries";

/**
 * Which events caused a broken promise (`Violation.causedBy`): pure functions of the events the
 * checker reads, asked only once a violation is found, so a consistent session pays nothing.
 * Each answers the session's own event numbers, in log order.
 */

/** The inventory events that move a product's stock, in the order the stock culprits read them. */
export const stockEventTypes = [
  "INVENTORY_RESERVED",
  "INVENTORY_HELD",
  "INVENTORY_CONFIRMED",
  "INVENTORY_RELEASED",
  "INVENTORY_RESTOCKED",
] as const;

const unitsOf = (event: LoggedEvent, product: string): number => {
  const items = (event.data as { items?: { product: string; quantity: number }[] } | null)?.items ?? [];
  return items.filter((line) => line.product === product).reduce((sum, line) => sum + line.quantity, 0);
};

/**
 * Why a product's stock is not conserved, read from its inventory events (`stockEventTypes`, in
 * log order). First, a stock movement an order already had: its units taken a second time (a
 * second INVENTORY_CONFIRMED) or handed back a second time (a second INVENTORY_RELEASED or
 * INVENTORY_RESTOCKED with units), or handed back though never reserved. Failing those, a lost
 * update: a confirmation of the product between another order's reservation and its
 * confirmation (both confirmations are named: the later one wrote over the earlier).
 */
export function stockCulprits(product: string, events: readonly LoggedEvent[]): number[] {
  const repeated = new Set<number>();
  const lostUpdates = new Set<number>();
  const reservedAt = new Map<string, number>();
  const confirmedAt = new Map<string, number>();
  const returnedAt = new Map<string, number>();
  const confirmations: { seq: number; orderId: string }[] = [];
  for (const event of events) {
    if (unitsOf(event, product) === 0) continue;
    const { orderId, seq } = event;
    switch (event.type) {
      case "INVENTORY_RESERVED":
      case "INVENTORY_HELD":
        reservedAt.set(orderId, seq);
        break;
      case "INVENTORY_CONFIRMED": {
        if (confirmedAt.has(orderId)) repeated.add(seq);
        const since = reservedAt.get(orderId) ?? 0;
        for (const other of confirmations) {
          if (other.orderId !== orderId && other.seq > since) lostUpdates.add(other.seq).add(seq);
        }
        confirmedAt.set(orderId, seq);
        confirmations.push({ seq, orderId });
        break;
      }
      case "INVENTORY_RELEASED":
      case "INVENTORY_RESTOCKED":
        if (returnedAt.has(orderId) || !reservedAt.has(orderId)) repeated.add(seq);
        returnedAt.set(orderId, seq);
        break;
    }
  }
  const culprits = repeated.size > 0 ? repeated : lostUpdates;
  return [...culprits].sort((a, b) => a - b);
}

/** The order's events that settle its parts, for a broken pairing of order, payment and stock. */
export const pairingEventTypes = ["ORDER_CANCELLATION_REQUESTED", "INVENTORY_RELEASED", "INVENTORY_CONFIRMED"] as const;

/**
 * Why an order's status, payment and stock do not pair: a confirmation of its stock that came
 * after the stock was handed back for a cancel (the semantic lock a release is), named with the
 * cancel it overrode. Empty when the events show no such race.
 */
export function pairingCulprits(orderEvents: readonly LoggedEvent[]): number[] {
  let cancel: number | null = null;
  let release: number | null = null;
  const culprits: number[] = [];
  for (const { type, seq } of orderEvents) {
    if (type === "ORDER_CANCELLATION_REQUESTED") cancel ??= seq;
    else if (type === "INVENTORY_RELEASED") release ??= seq;
    else if (type === "INVENTORY_CONFIRMED" && release !== null) culprits.push(...[cancel, release, seq].filter((s) => s !== null));
  }
  return [...new Set(culprits)].sort((a, b) => a - b);
}
