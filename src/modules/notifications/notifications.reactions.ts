import { type SagaEvent, type SagaEventType, type SagaReaction, sagaReaction } from "../events";
import { notificationFor } from "./notifications.decide";
import type { NotificationsService } from "./notifications.service";

/** The saga events a customer hears of. */
const told: SagaEventType[] = ["ORDER_CREATED", "ORDER_COMPLETED", "ORDER_CANCELLED", "PAYMENT_REFUNDED"];

/**
 * One reaction per event type, each a fan-out subscriber: the other modules neither know nor
 * wait for it. The recipient is the order's userId, which only ORDER_CREATED carries, so the
 * first message remembers it for the later ones: loaded lazily, as only those ask for it.
 */
export function notificationReactions(service: NotificationsService): SagaReaction<SagaEventType>[] {
  return told.map((on) =>
    sagaReaction({
      name: `notifications.notifyOn${pascal(on)}`,
      on,
      load: (event: SagaEvent) => () => service.recipientOf(event.sessionId, event.orderId),
      decide: notificationFor,
      apply: (event, { recipient, message }, { now }): undefined => {
        service.record(event.sessionId, event.orderId, event.id, recipient, message, now);
      },
    }),
  );
}

/** `ORDER_COMPLETED` → `OrderCompleted`. */
const pascal = (type: string) =>
  type
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
