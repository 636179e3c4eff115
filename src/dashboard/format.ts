import { type PublisherName, publisherOf, type SagaEvent, type SagaEventType } from "../modules/events";

/** Integer cents as dollars, the way the catalog's prices read in the contract. */
export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "—";
  return `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * A fragment's URL for one order's saga: pinned to `orderId`, or following the newest order
 * (`follow=newest`, with the order shown now, so the first answer draws the same saga).
 */
export function followedOrderPath(
  fragment: string,
  orderId: string | undefined,
  following: boolean,
  more: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  if (following || !orderId) params.set("follow", "newest");
  if (orderId) params.set("order", orderId);
  for (const [name, value] of Object.entries(more)) params.set(name, value);
  return `/dashboard/${fragment}?${params.toString()}`;
}

/**
 * Enough of an id to tell orders apart on screen; the full id is in the title. The tail, not
 * the head: ids are time-ordered UUIDs (v7), whose first characters are the same for every
 * order placed in the same minute.
 */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}

export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `+3.012 s` after the order was placed. */
export function sinceStart(ms: number): string {
  return `+${(Math.max(0, ms) / 1000).toFixed(3)} s`;
}

export type ModuleName = PublisherName;

/** Which module emits an event type (src/modules/events.ts says, from the modules' declared events). */
export const moduleOf = (type: SagaEventType): ModuleName => publisherOf(type);

/** One line a workshop audience can read: what the event says beyond its type. */
export function describeEvent(event: SagaEvent): string {
  switch (event.type) {
    case "ORDER_CREATED": {
      const { data } = event;
      const payment = data.paymentBehaviourGiven ? data.paymentBehaviour : "per the knobs";
      const inventory = data.inventoryBehaviourGiven ? data.inventoryBehaviour : "per the knobs";
      const shipping = data.shipment ? ` · shipping ${data.shipment.behaviourGiven ? data.shipment.behaviour : "per the knobs"}` : "";
      return `${data.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")} · payment ${payment}, inventory ${inventory}${shipping}${data.skipDemoDelays ? " · no delays" : ""}`;
    }
    case "INVENTORY_RESERVED":
      return `held ${event.data.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")} · total ${formatCents(event.data.totalCents)}`;
    case "INVENTORY_HELD":
      return `held by a call ${event.data.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")} · total ${formatCents(event.data.totalCents)} · expires ${new Date(event.data.expiresAt).toISOString()}`;
    case "INVENTORY_FAILED":
      return `${event.data.stage}: ${event.data.reason}`;
    case "INVENTORY_CONFIRMED":
      return `stock taken for good · ${formatCents(event.data.totalCents)}`;
    case "INVENTORY_RELEASED":
      return `stock handed back (${event.data.cause}): ${event.data.reason}`;
    case "INVENTORY_RESTOCKED":
      return `stock put back on the shelf (${event.data.cause}) · ${event.data.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")}`;
    case "ORDER_CANCELLATION_REQUESTED":
      return `asked by ${event.data.cancellationSource}: ${event.data.reason}`;
    case "PAYMENT_SUCCESS":
      return `charged ${formatCents(event.data.amountCents)}`;
    case "PAYMENT_FAILED":
      return event.data.reason;
    case "PAYMENT_REFUNDED":
      return `refunded ${formatCents(event.data.amountCents)}: ${event.data.reason}`;
    case "ORDER_COMPLETED":
      return `total ${formatCents(event.data.totalCents)}`;
    case "ORDER_CANCELLED":
      return `${event.data.cancellationSource}: ${event.data.reason}`;
    case "RPC_CALL": {
      const { service, method, response, durationMs } = event.data;
      const error = response.error;
      const outcome =
        typeof error === "object" && error !== null && "code" in error
          ? `error ${String(error.code)}`
          : "success" in response
            ? `success: ${String(response.success)}`
            : "answered";
      return `${service}/${method} → ${outcome} · ${durationMs} ms`;
    }
    case "RESERVE_INVENTORY":
      return `to inventory: reserve ${event.data.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")}`;
    case "CONFIRM_RESERVATION":
      return "to inventory: take the held stock for good";
    case "RELEASE_INVENTORY":
      return `to inventory: hand the stock back (${event.data.cancellationSource}): ${event.data.reason}`;
    case "PROCESS_PAYMENT":
      return `to payments: charge ${formatCents(event.data.totalCents)}`;
    case "REFUND_PAYMENT":
      return `to payments: refund (${event.data.cancellationSource}): ${event.data.reason}`;
    case "COMPLETE_ORDER":
      return `to orders: complete · ${formatCents(event.data.totalCents)}`;
    case "CANCEL_ORDER":
      return `to orders: cancel (${event.data.cancellationSource}): ${event.data.reason}`;
    case "CREATE_SHIPMENT":
      return "to shipping: ship the paid order";
    case "CANCEL_SHIPMENT":
      return `to shipping: call the parcel back (${event.data.cancellationSource}): ${event.data.reason}`;
    case "SHIPMENT_CREATED":
      return `shipped · ${event.data.shipmentId}`;
    case "SHIPMENT_FAILED":
      return `not shipped: ${event.data.reason}`;
    case "SHIPMENT_CANCELLED":
      return `shipment called back: ${event.data.reason}`;
  }
}
