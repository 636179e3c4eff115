import type { Deps } from "../../platform/deps";
import { isTerminal } from "./order-status";
import type { OrderJson } from "./orders.schemas";
import { getOrder } from "./orders.service";

/** Upper bound on concurrent long polls; past it a request answers at once with the current state. */
export const MAX_WAITING_REQUESTS = 10_000;
let waiting = 0;

/**
 * `GET /orders/:id?wait=ms`: resolves as soon as the order is COMPLETED or CANCELLED (told by
 * the bus after the commit that made it so), after `waitMs`, or when the client goes away,
 * and answers the order as it is then.
 */
export async function waitForOrderToSettle(deps: Deps, order: OrderJson, waitMs: number, signal: AbortSignal): Promise<OrderJson> {
  if (isTerminal(order.status) || waiting >= MAX_WAITING_REQUESTS) return order;
  waiting += 1;
  try {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopListening();
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const stopListening = deps.bus.listen((events) => {
        const settled = events.some(
          (e) =>
            e.orderId === order.id && e.sessionId === order.sessionId && (e.type === "ORDER_COMPLETED" || e.type === "ORDER_CANCELLED"),
        );
        if (settled) done();
      });
      signal.addEventListener("abort", done);
    });
  } finally {
    waiting -= 1;
  }
  return getOrder(deps.db, order.sessionId, order.id);
}
