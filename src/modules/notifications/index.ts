/**
 * Notifications (seed 001's notification service): owns `notifications`. A fourth subscriber
 * to the saga's events (ORDER_CREATED, ORDER_COMPLETED, ORDER_CANCELLED, PAYMENT_REFUNDED) that
 * records the message a customer would receive. It emits nothing, and no other module knows it
 * exists: adding it changed none of them (docs/architecture.md, "Choreography").
 */
import type { ModuleDeps } from "../module-deps";
import { notificationReactions } from "./notifications.reactions";
import { notificationsRoutes } from "./notifications.routes";
import { notificationsService } from "./notifications.service";
import { notificationsStatements } from "./notifications.sql";

export type { NotificationJson } from "./notifications.service";

export function notificationsModule(deps: ModuleDeps) {
  const service = notificationsService(deps, notificationsStatements(deps.db.$client));
  return {
    name: "notifications",
    reactions: notificationReactions(service),
    routes: notificationsRoutes(service),
    queries: { listNotifications: service.listNotifications },
    commands: {
      forgetSession: service.forgetSession,
      sessionTables: service.sessionTables,
      sessionActivity: service.sessionActivity,
      keptOrderIds: service.keptOrderIds,
      forgetOrders: service.forgetOrders,
    },
  };
}
export type NotificationsModule = ReturnType<typeof notificationsModule>;
