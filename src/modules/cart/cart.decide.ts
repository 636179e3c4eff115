/**
 * The cart's decisions, pure: given what the cart (or the session) holds now and what is
 * asked, what happens. The commands load the state, ask here and write what is decided.
 */

export interface CartLine {
  product: string;
  quantity: number;
}

/** What a cart route finds under the id it is given. */
export type CartFound = { expiresAt: number; abandoned: boolean } | undefined;

export type Access =
  | { type: "missing" }
  /** `countAbandoned`: the first time it is found expired, it is counted in carts_abandoned_total. */
  | { type: "expired"; countAbandoned: boolean }
  | { type: "live" };

/** A cart expires at its `expiresAt` (its last change plus the session's cartTtlMs then); from then on it is abandoned. */
export function decideAccess(cart: CartFound, now: number): Access {
  if (!cart) return { type: "missing" };
  if (now >= cart.expiresAt) return { type: "expired", countAbandoned: !cart.abandoned };
  return { type: "live" };
}

export type SetQuantity =
  | { type: "set"; product: string; quantity: number; isNewLine: boolean }
  | { type: "remove"; product: string }
  | { type: "unchanged" }
  | { type: "refuse"; reason: string };

/**
 * `PUT /cart/:id/items`: the product's line is set to `quantity`, and 0 removes it (0 for a
 * product not in the cart changes nothing). A new line past `maxLines` (an order's limit, so the
 * cart can always be checked out) is refused.
 */
export function decideSetQuantity(lines: readonly CartLine[], asked: CartLine, maxLines: number): SetQuantity {
  const present = lines.some((line) => line.product === asked.product);
  if (asked.quantity === 0) return present ? { type: "remove", product: asked.product } : { type: "unchanged" };
  if (!present && lines.length + 1 > maxLines) {
    return { type: "refuse", reason: `A cart holds at most ${maxLines} lines, as an order does; this one holds ${lines.length}` };
  }
  return { type: "set", product: asked.product, quantity: asked.quantity, isNewLine: !present };
}

export type RemoveLine = { type: "remove"; product: string } | { type: "refuse"; reason: string };

/** `DELETE /cart/:id/items/:product`: a product not in the cart is not found. */
export function decideRemoveLine(lines: readonly CartLine[], product: string): RemoveLine {
  return lines.some((line) => line.product === product)
    ? { type: "remove", product }
    : { type: "refuse", reason: `Product ${product} is not in the cart` };
}

/** What a session keeps of carts: those still live, and the expired ones kept to answer CART_EXPIRED. */
export interface CartUsage {
  live: number;
  expired: number;
}

export type CreateCart = { type: "create"; sweepExpired: boolean } | { type: "refuse"; reason: string };

/**
 * `POST /cart`: the session's live carts are its quota (MAX_CARTS_PER_SESSION). An expired cart
 * is kept, answering CART_EXPIRED, until the room it takes is needed: then the expired carts go.
 */
export function decideCreateCart(usage: CartUsage, maxCarts: number): CreateCart {
  if (usage.live + 1 > maxCarts) {
    return {
      type: "refuse",
      reason: `This session keeps ${usage.live} carts, its quota (${maxCarts}); check one out, let one expire or DELETE /session first`,
    };
  }
  return { type: "create", sweepExpired: usage.live + usage.expired + 1 > maxCarts };
}

export type Checkout = { type: "checkout"; items: CartLine[] } | { type: "refuse"; reason: string };

/** `POST /cart/:id/checkout`: the cart's lines become the order's, in the order they were added; an empty cart is refused. */
export function decideCheckout(lines: readonly CartLine[]): Checkout {
  if (lines.length === 0) return { type: "refuse", reason: "The cart is empty: add a line first" };
  return { type: "checkout", items: lines.map((line) => ({ product: line.product, quantity: line.quantity })) };
}
