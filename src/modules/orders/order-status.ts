/**
 * The order state machine. PENDING → PROCESSING → COMPLETED | CANCELLED; an order can also be
 * cancelled straight from PENDING (nothing reserved). PENDING → COMPLETED is allowed because the
 * bus may deliver INVENTORY_CONFIRMED to orders before the INVENTORY_RESERVED that preceded it.
 * COMPLETED → CANCELLED is a customer (or operator) cancelling a completed order: its stock is
 * put back and its money refunded. CANCELLED never changes. The one list of statuses: the
 * table's column and CHECK, the zod schema and the wire form all derive from it.
 */
export const orderStatuses = ["PENDING", "PROCESSING", "COMPLETED", "CANCELLED"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const allowedTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ["PROCESSING", "COMPLETED", "CANCELLED"],
  PROCESSING: ["COMPLETED", "CANCELLED"],
  COMPLETED: ["CANCELLED"],
  CANCELLED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** The states from which `to` may be entered: the guard of a conditional UPDATE. */
export function statusesLeadingTo(to: OrderStatus): OrderStatus[] {
  return orderStatuses.filter((from) => canTransition(from, to));
}

/** The saga has ended (what `?wait=` waits for): COMPLETED or CANCELLED. */
export function isFinal(status: OrderStatus): boolean {
  return status === "COMPLETED" || status === "CANCELLED";
}
