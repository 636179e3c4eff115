/**
 * What the delivery log (`GET /orders/:id/deliveries`) costs at its worst: `bun tests/bench/delivery-log-memory.ts`.
 * Floods one log, as the relay would record a redelivery flood (`POST /events/:seq/redeliver` in
 * a loop), with 200 attempts for each of 12,000 orders over 100 sessions, and prints the heap it
 * took (after a full collection) against what the log's own estimate says it holds.
 */
import { DeliveryLog } from "../../src/bus/delivery-log";

const ORDERS = Number(process.env.ORDERS ?? 12_000);
const ATTEMPTS = 200;
const reactions = [
  "inventory.reserveStockWhenOrderCreated",
  "notifications.tellCustomerWhenOrderCreated",
  "orders.cancelWhenDeadlinePasses",
];

const heap = () => {
  Bun.gc(true);
  return process.memoryUsage().heapUsed / (1024 * 1024);
};
const log = new DeliveryLog();
const before = heap();
for (let order = 0; order < ORDERS; order += 1) {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    // The event's type comes from its parsed row: a string of its own, as in the server.
    const eventType: string = JSON.parse('"ORDER_CREATED"');
    log.record(`session-${order % 100}`, `order-${String(order).padStart(8, "0")}-5f0c-4a7e-9d3b-1c2e3f4a5b6c`, {
      eventSeq: 1,
      eventType,
      reaction: reactions[order % reactions.length]!,
      attempt,
      outcome: "duplicate_ignored",
      at: Date.now(),
    });
  }
}
const after = heap();
const estimate = "bytes" in log ? Number(log.bytes) / (1024 * 1024) : Number.NaN;
console.log(
  `delivery log flood: ${JSON.stringify({ attempts: ORDERS * ATTEMPTS, heapBeforeMb: Math.round(before), heapAfterMb: Math.round(after), grewMb: Math.round(after - before), estimateMb: Math.round(estimate) })}`,
);
