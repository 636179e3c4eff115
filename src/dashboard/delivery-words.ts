import type { DeliveryLogEntry } from "../bus/delivery-log";

/**
 * What a delivery's line on the timeline says after the reaction's name: words, and for a
 * failure still waiting for its retry, how long until it (shown as a live countdown).
 */
export interface DeliveryWords {
  says: string;
  retryInMs?: number;
}

/**
 * The timeline's words for one attempt. A delivery that applied but whose decision changed
 * nothing says so, in the decision's own words ("nothing to do: no payment is taken before stock
 * is reserved: nothing to refund"), never "applied": the room reads the line as what the
 * reaction did. Only the latest attempt of a reaction counts down to its retry.
 */
export function deliveryWords(entry: DeliveryLogEntry, { latest, now }: { latest: boolean; now: number }): DeliveryWords {
  switch (entry.outcome) {
    case "applied":
      return { says: entry.ignoredBecause === undefined ? "applied" : `nothing to do: ${entry.ignoredBecause}` };
    case "duplicate_ignored":
      return { says: "ignored: already processed" };
    case "dead_lettered":
      return { says: `dead-lettered after ${entry.attempt} attempts` };
    case "failed":
      return latest && entry.retryAt !== undefined
        ? { says: "failed, retry", retryInMs: entry.retryAt - now }
        : { says: `failed (attempt ${entry.attempt})` };
  }
}

/** `payments.refundWhenStockNotDelivered` → `refundWhenStockNotDelivered`: the module is given by the line it is on. */
export const intentOf = (reaction: string): string => reaction.slice(reaction.indexOf(".") + 1);
