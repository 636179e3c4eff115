// Every table, for drizzle's relational queries and for drizzle-kit.
export * from "../bus/bus.sql";
export * from "../modules/inventory/inventory.sql";
export * from "../modules/orders/orders.sql";
export * from "../modules/payments/payments.sql";
