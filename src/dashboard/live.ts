import { type SagaEventType, sagaEventTypes } from "../modules/events";
import type { SessionChange } from "../modules/module-deps";

/**
 * Which bus events make each panel stale. The page holds one SSE connection (element
 * `#live`); htmx dispatches each named SSE message as a DOM event of that name on it, and a
 * panel re-fetches itself when one of its events arrives. No polling anywhere.
 */
const stockEvents: SagaEventType[] = [
  "INVENTORY_RESERVED",
  "INVENTORY_HELD",
  "INVENTORY_CONFIRMED",
  "INVENTORY_RELEASED",
  "INVENTORY_RESTOCKED",
];

export const LIVE_SOURCE_ID = "live";

function on(events: readonly (SagaEventType | SessionChange)[]): string {
  return events.map((type) => `${type} from:#${LIVE_SOURCE_ID}`).join(", ");
}

// Seeds and resets reach every open screen of the session too (see live/session-changes.ts).
// A delivery that writes and emits nothing (orders' PROCESSING, the PENDING payment, a
// notification) is told by the DELIVERIES_CHANGED the relay sends after its commit: the event
// that caused it was announced before it ran, so a panel refreshed by that event alone could
// read the rows before the write. No trigger waits on a guessed delay.
export const liveTriggers = {
  inventory: on([...stockEvents, "INVENTORY_CHANGED"]),
  stats: on([...stockEvents, "INVENTORY_CHANGED"]),
  reservations: on([...stockEvents, "INVENTORY_CHANGED"]),
  orders: on([
    "ORDER_CREATED",
    "INVENTORY_RESERVED",
    "ORDER_COMPLETED",
    "ORDER_CANCELLED",
    "ORDER_CANCELLATION_REQUESTED",
    // An rpc-style order moves (PROCESSING) as its calls are recorded.
    "RPC_CALL",
    "ORDERS_RESET",
    // The rows were written again from the streams.
    "ORDERS_REBUILT",
    "DELIVERIES_CHANGED",
  ]),
  payments: on(["PAYMENT_SUCCESS", "PAYMENT_FAILED", "PAYMENT_REFUNDED", "PAYMENTS_RESET", "PAYMENTS_CHANGED", "DELIVERIES_CHANGED"]),
  shipments: on(["SHIPMENT_CREATED", "SHIPMENT_FAILED", "SHIPMENT_CANCELLED", "ORDERS_RESET"]),
  events: on([...sagaEventTypes, "ORDERS_RESET"]),
  // Also when a delivery fails, is dead-lettered or is ignored as a duplicate, and when step mode
  // holds or releases what the saga waits for.
  timeline: on([...sagaEventTypes, "ORDERS_RESET", "DELIVERIES_CHANGED", "SETTINGS_CHANGED"]),
  // The picture of the saga redraws whenever the timeline would, and when the settings change the module map.
  diagram: on([...sagaEventTypes, "ORDERS_RESET", "DELIVERIES_CHANGED", "SETTINGS_CHANGED"]),
  // The followed order's versions: a new one arrives with its stream's events; a rebuild rewrites the rows, not the streams.
  history: on([...sagaEventTypes, "ORDERS_RESET", "ORDERS_REBUILT", "DELIVERIES_CHANGED"]),
  curl: on(["ORDER_CREATED", "ORDERS_RESET"]),
  invariants: on([...sagaEventTypes, "INVENTORY_CHANGED", "ORDERS_RESET", "PAYMENTS_RESET", "PAYMENTS_CHANGED"]),
  race: on(["ORDER_COMPLETED", "ORDER_CANCELLED", "ORDERS_RESET"]),
  bus: on([...sagaEventTypes, "ORDERS_RESET", "SETTINGS_CHANGED", "DELIVERIES_CHANGED"]),
  knobs: on(["SETTINGS_CHANGED"]),
  bugs: on(["SETTINGS_CHANGED"]),
  sagas: on([...sagaEventTypes, "ORDERS_RESET", "DELIVERIES_CHANGED", "SETTINGS_CHANGED"]),
  // Every message is written by a delivery that emits nothing.
  inbox: on(["DELIVERIES_CHANGED"]),
} as const;
