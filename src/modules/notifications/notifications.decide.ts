import type { SagaEvent } from "../events";
import type { NotificationKind } from "./notifications.sql";

/** The message a customer would get for an event: pure, so specs read like the emails themselves. */
export type Message = { kind: NotificationKind; subject: string; body: string };

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** What a saga outcome tells the customer; null: this event tells them nothing. */
export function messageFor(event: SagaEvent): Message | null {
  switch (event.type) {
    case "ORDER_CREATED": {
      const lines = event.data.items.map((line) => `${line.quantity} × ${line.product}`).join(", ");
      return { kind: "received", subject: "We received your order", body: `Your order of ${lines} is being processed.` };
    }
    case "ORDER_COMPLETED":
      return { kind: "confirmed", subject: "Order confirmed", body: `Your order is confirmed: ${dollars(event.data.totalCents)} charged.` };
    case "ORDER_CANCELLED": {
      const { cancellationSource, reason } = event.data;
      if (cancellationSource === "inventory_depleted") {
        return { kind: "out_of_stock", subject: "Sorry, out of stock", body: `We could not reserve your items: ${reason}` };
      }
      if (cancellationSource === "payment_failed") {
        return {
          kind: "payment_failed",
          subject: "Payment failed",
          body: `Your payment did not go through, so the order was cancelled. ${reason}`,
        };
      }
      if (cancellationSource === "shipment_failed") {
        return {
          kind: "cancelled",
          subject: "Order cancelled",
          body: `We could not ship your order, so it was cancelled and your payment refunded. ${reason}`,
        };
      }
      const who = { customer: "as you asked", timeout: "because it took too long", operator: "by our staff" }[cancellationSource];
      return { kind: "cancelled", subject: "Order cancelled", body: `Your order was cancelled ${who}.` };
    }
    case "PAYMENT_REFUNDED":
      if (event.data.paymentId === null) return null; // nothing was charged that could be refunded
      return { kind: "refunded", subject: "Refund issued", body: `${dollars(event.data.amountCents)} is on its way back to you.` };
    default:
      return null;
  }
}

/**
 * Who a message goes to: the order's userId, which only ORDER_CREATED carries, so a later
 * message asks for the one the first message remembered (asked only then); else "the customer".
 */
export function recipientFor(event: SagaEvent, remembered: () => string | null | undefined): string {
  const placedBy = event.type === "ORDER_CREATED" ? event.data.userId : undefined;
  return placedBy ?? remembered() ?? "the customer";
}

/** A message to record, and whom it is for. */
export type Notification = { recipient: string; message: Message };

/**
 * What one event tells the customer: nothing, or one notification. `remembered` is the
 * recipient the order's first message recorded, asked only for a message that needs it.
 */
export function notificationFor(event: SagaEvent, remembered: () => string | null | undefined): Notification[] {
  const message = messageFor(event);
  return message ? [{ recipient: recipientFor(event, remembered), message }] : [];
}
