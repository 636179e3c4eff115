import { type SagaEventType, sagaEventTypes } from "../modules/events";

/**
 * Which bus events make each panel stale. The page holds one SSE connection (element
 * `#live`); htmx dispatches each named SSE message as a DOM event of that name on it, and a
 * panel re-fetches itself when one of its events arrives. No polling anywhere.
 */
const stockEvents: SagaEventType[] = ["INVENTORY_RESERVED", "INVENTORY_CONFIRMED", "INVENTORY_RELEASED"];

export const LIVE_SOURCE_ID = "live";

function on(events: readonly SagaEventType[], modifiers = ""): string {
  return events.map((type) => `${type} from:#${LIVE_SOURCE_ID}${modifiers ? ` ${modifiers}` : ""}`).join(", ");
}

export const liveTriggers = {
  inventory: on(stockEvents),
  stats: on(stockEvents),
  reservations: on(stockEvents),
  orders: on(["ORDER_CREATED", "INVENTORY_RESERVED", "ORDER_COMPLETED", "ORDER_CANCELLED"]),
  // The PENDING payment is opened by a delivery of INVENTORY_RESERVED that emits nothing
  // itself; it is due at once, so a short delay lets it commit before the panel asks.
  payments: `${on(["INVENTORY_RESERVED"], "delay:150ms")}, ${on(["PAYMENT_SUCCESS", "PAYMENT_FAILED", "PAYMENT_REFUNDED"])}`,
  events: on(sagaEventTypes),
  timeline: on(sagaEventTypes),
  curl: on(["ORDER_CREATED"]),
} as const;
