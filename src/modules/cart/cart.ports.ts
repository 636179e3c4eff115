import type { OrderJson, PlaceOrderInput, PlaceOrderOptions } from "../orders";

/**
 * What the cart needs of the other modules, given by the composition root: the catalog's
 * prices (inventory's public queries), placing the order (orders' commands) and the metrics.
 * The cart imports orders' types only, never its code.
 */
export interface CartPorts {
  catalog: {
    /** The session's catalog now: product id → price in cents. */
    prices(sessionId: string): ReadonlyMap<string, number>;
  };
  orders: {
    placeOrder(sessionId: string, input: PlaceOrderInput, options: PlaceOrderOptions): Promise<OrderJson>;
    placeOrderOnce(
      sessionId: string,
      input: PlaceOrderInput,
      key: string,
      options: PlaceOrderOptions,
    ): Promise<{ order: OrderJson; replayed: boolean }>;
    replayOf(sessionId: string, key: string, fingerprint: unknown): OrderJson | null;
  };
  observe: {
    operation(operation: CartOperation): void;
    abandoned(carts: number): void;
  };
}

export type CartOperation = "created" | "item_set" | "item_removed" | "checked_out";

/** What a checkout asks of the order's saga: everything `POST /orders` accepts but its lines. */
export type CheckoutBehaviours = Omit<PlaceOrderInput, "items">;
