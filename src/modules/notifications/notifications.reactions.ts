import type { SagaEvent, SagaEventType, SagaReaction } from "../events";
import { messageFor, recipientFor } from "./notifications.decide";
import type { NotificationsService } from "./notifications.service";

/** The saga events a customer hears of. */
const told: SagaEventType[] = ["ORDER_CREATED", "ORDER_COMPLETED", "ORDER_CANCELLED", "PAYMENT_REFUNDED"];

/**
 * One reaction per event type, each a fan-out subscriber: the other modules neither know nor
 * wait for it. The recipient is the order's userId, which only ORDER_CREATED carries, so the
 * first message remembers it for the later ones.
 */
export function notificationReactions(service: NotificationsService): SagaReaction<SagaEventType>[] {
  const notify = (event: SagaEvent, now: number) => {
    const message = messageFor(event);
    if (!message) return;
    const recipient = recipientFor(event, () => service.recipientOf(event.sessionId, event.orderId));
    service.record(event.sessionId, event.orderId, event.id, recipient, message, now);
  };
  return told.map((on) => ({ name: `notifications.notifyOn${pascal(on)}`, on, handle: (event, { now }) => notify(event, now) }));
}

/** `ORDER_COMPLETED` → `OrderCompleted`. */
const pascal = (type: string) =>
  type
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
