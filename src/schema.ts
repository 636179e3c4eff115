// Every table, for drizzle-kit (drizzle.config.ts): the bus's and each module's own.
export * from "./bus/bus.sql";
export * from "./modules/cart/cart.sql";
export * from "./modules/inventory/inventory.sql";
export * from "./modules/notifications/notifications.sql";
export * from "./modules/orchestrator/orchestrator.sql";
export * from "./modules/orders/orders.sql";
export * from "./modules/payments/payments.sql";
export * from "./modules/shipping/shipping.sql";
export * from "./sessions/session-names.sql";
export * from "./sessions/session-wipe.sql";
export * from "./settings/settings.sql";
