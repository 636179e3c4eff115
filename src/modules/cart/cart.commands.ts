import { and, eq, lte, sql } from "drizzle-orm";
import { deleteSessionRows, lastChangePerSession, transaction } from "../../platform/db";
import {
  CartExpiredError,
  InvalidStateError,
  NotFoundError,
  QuotaExceededError,
  UnknownProductError,
  ValidationError,
} from "../../platform/errors";
import type { ModuleDeps } from "../module-deps";
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from "../saga-terms";
import { type CartLine, decideAccess, decideCheckout, decideCreateCart, decideRemoveLine, decideSetQuantity } from "./cart.decide";
import type { CartPorts, CheckoutBehaviours } from "./cart.ports";
import type { CartQueries } from "./cart.queries";
import { type CartJson, cartToJson, type SetQuantityInput } from "./cart.schemas";
import { cartItems, carts } from "./cart.sql";

/** The tables that keep a session's rows, children before the rows they refer to. */
const sessionTables = ["cart_items", "carts"] as const;

/**
 * What the API asks of carts: open one, set or remove a line, read it, check it out. Each
 * decision is a pure function of cart.decide.ts; every change moves the cart's expiry.
 */
export function cartCommands(
  deps: Pick<ModuleDeps, "db" | "clock" | "ids" | "config" | "settings" | "changes">,
  reads: CartQueries,
  ports: CartPorts,
) {
  const { db, clock } = deps;
  const expiryFrom = (sessionId: string, now: number) => now + deps.settings.of(sessionId).cartTtlMs;
  const priced = (sessionId: string, cartId: string): CartJson => {
    const cart = reads.cart(sessionId, cartId);
    if (!cart) throw new NotFoundError(`Cart ${cartId}`);
    return cartToJson(cart, reads.lines(sessionId, cartId), ports.catalog.prices(sessionId));
  };

  /** The cart, live; a missing one is not found, an expired one CART_EXPIRED (counted abandoned the first time: that write is kept). */
  function openCart(sessionId: string, cartId: string): CartLine[] {
    const access = decideAccess(reads.cart(sessionId, cartId), clock.now());
    if (access.type === "missing") throw new NotFoundError(`Cart ${cartId}`);
    if (access.type === "expired") {
      if (access.countAbandoned) {
        db.update(carts)
          .set({ abandoned: true })
          .where(and(eq(carts.sessionId, sessionId), eq(carts.id, cartId)))
          .run();
        ports.observe.abandoned(1);
      }
      throw new CartExpiredError(cartId);
    }
    return reads.lines(sessionId, cartId);
  }

  /** A change: the cart's expiry starts again from now. */
  function touch(sessionId: string, cartId: string): void {
    const now = clock.now();
    db.update(carts)
      .set({ updatedAt: now, expiresAt: expiryFrom(sessionId, now) })
      .where(and(eq(carts.sessionId, sessionId), eq(carts.id, cartId)))
      .run();
  }

  function deleteLine(sessionId: string, cartId: string, product: string): void {
    db.delete(cartItems)
      .where(and(eq(cartItems.sessionId, sessionId), eq(cartItems.cartId, cartId), eq(cartItems.product, product)))
      .run();
  }

  /** A line for a product the session's catalog lacks is refused (422). */
  function refuseUnknown(sessionId: string, products: readonly string[]): void {
    const prices = ports.catalog.prices(sessionId);
    const unknown = products.find((product) => !prices.has(product));
    if (unknown !== undefined) throw new UnknownProductError(unknown);
  }

  // After the last line added, removed ones included: the cart lists its lines in the order they were added.
  const nextLineNo = (sessionId: string, cartId: string) =>
    sql<number>`(SELECT COALESCE(MAX(line_no), -1) + 1 FROM cart_items WHERE session_id = ${sessionId} AND cart_id = ${cartId})`;

  const commands = {
    /** `POST /cart`: an empty cart, or 429 past the session's quota of live carts (expired ones make room as decideCreateCart says). */
    create(sessionId: string): CartJson {
      const now = clock.now();
      const decision = decideCreateCart(reads.usage(sessionId, now), deps.config.maxCartsPerSession);
      if (decision.type === "refuse") throw new QuotaExceededError(decision.reason);
      const id = deps.ids.uuid();
      // Counted once the transaction has committed: a rolled-back sweep abandoned nothing.
      const swept = transaction(db, () => {
        let uncounted = 0;
        if (decision.sweepExpired) {
          const expired = and(eq(carts.sessionId, sessionId), lte(carts.expiresAt, now));
          uncounted =
            db
              .select({ n: sql<number>`count(*)` })
              .from(carts)
              .where(and(expired, eq(carts.abandoned, false)))
              .get()?.n ?? 0;
          db.delete(carts).where(expired).run();
        }
        db.insert(carts)
          .values({ sessionId, id, createdAt: now, updatedAt: now, expiresAt: expiryFrom(sessionId, now) })
          .run();
        return uncounted;
      });
      if (swept > 0) ports.observe.abandoned(swept);
      ports.observe.operation("created");
      deps.changes.announce(sessionId, "CART_OPENED");
      return priced(sessionId, id);
    },

    /** `GET /cart/:id`. */
    read(sessionId: string, cartId: string): CartJson {
      openCart(sessionId, cartId);
      return priced(sessionId, cartId);
    },

    /** `PUT /cart/:id/items`: the product's quantity (0 removes the line); a product the catalog lacks is refused (422). */
    setQuantity(sessionId: string, cartId: string, asked: SetQuantityInput): CartJson {
      const lines = openCart(sessionId, cartId);
      if (asked.quantity > 0) refuseUnknown(sessionId, [asked.product]);
      const decision = decideSetQuantity(lines, asked, MAX_ORDER_LINES);
      if (decision.type === "refuse") throw new ValidationError([{ path: "product", message: decision.reason }], decision.reason);
      if (decision.type === "unchanged") return priced(sessionId, cartId);
      transaction(db, () => {
        if (decision.type === "remove") deleteLine(sessionId, cartId, decision.product);
        else
          db.insert(cartItems)
            .values({ sessionId, cartId, product: decision.product, quantity: decision.quantity, lineNo: nextLineNo(sessionId, cartId) })
            .onConflictDoUpdate({
              target: [cartItems.sessionId, cartItems.cartId, cartItems.product],
              set: { quantity: decision.quantity },
            })
            .run();
        touch(sessionId, cartId);
      });
      ports.observe.operation(decision.type === "remove" ? "item_removed" : "item_set");
      return priced(sessionId, cartId);
    },

    /** `DELETE /cart/:id/items/:product`: a product not in the cart is not found. */
    removeLine(sessionId: string, cartId: string, product: string): CartJson {
      const decision = decideRemoveLine(openCart(sessionId, cartId), product);
      if (decision.type === "refuse") throw new NotFoundError(`Product ${product} in cart ${cartId}`);
      transaction(db, () => {
        deleteLine(sessionId, cartId, product);
        touch(sessionId, cartId);
      });
      ports.observe.operation("item_removed");
      return priced(sessionId, cartId);
    },

    /**
     * `POST /cart/:id/checkout`: the cart's lines become an order, placed exactly as `POST /orders`
     * places one (its saga starts), and the cart is deleted in the order's own savepoint. With an
     * Idempotency-Key, a retry answers the first order again although the cart is gone: the key
     * remembers the cart's id and the behaviours, not the lines.
     */
    async checkout(sessionId: string, cartId: string, behaviours: CheckoutBehaviours, key?: string) {
      const fingerprint = { cart: cartId, ...behaviours };
      if (key !== undefined) {
        const first = ports.orders.replayOf(sessionId, key, fingerprint);
        if (first) return { order: first, replayed: true };
      }
      const lines = openCart(sessionId, cartId);
      const decision = decideCheckout(lines);
      if (decision.type === "refuse") throw new InvalidStateError(decision.reason);
      // Run in the order's savepoint, maybe a turn later: a cart changed (or checked out) meanwhile is refused, and no order stays.
      const alongside = () => {
        const now = reads.cart(sessionId, cartId) ? reads.lines(sessionId, cartId) : undefined;
        if (now === undefined) throw new NotFoundError(`Cart ${cartId}`);
        if (JSON.stringify(now) !== JSON.stringify(lines))
          throw new InvalidStateError("The cart changed while it was checked out: check it out again");
        db.delete(carts)
          .where(and(eq(carts.sessionId, sessionId), eq(carts.id, cartId)))
          .run();
      };
      const input = { items: decision.items, ...behaviours };
      const placed =
        key === undefined
          ? { order: await ports.orders.placeOrder(sessionId, input, { alongside }), replayed: false }
          : await ports.orders.placeOrderOnce(sessionId, input, key, { alongside, fingerprint });
      if (!placed.replayed) ports.observe.operation("checked_out");
      return placed;
    },

    /**
     * The dashboard's "Add to cart": each line's quantity added to what the cart holds of it, in
     * the cart named, or in a new one when it names none (or one gone or expired). The lines are
     * judged before any write, so a refused line opens no cart.
     */
    addLines(sessionId: string, cartId: string | undefined, lines: readonly { product: string; quantity: number }[]): CartJson {
      const wanted = new Map<string, number>();
      for (const { product, quantity } of lines) wanted.set(product, (wanted.get(product) ?? 0) + quantity);
      refuseUnknown(sessionId, [...wanted.keys()]);
      const open = cartId !== undefined && decideAccess(reads.cart(sessionId, cartId), clock.now()).type === "live";
      const held = new Map(open ? reads.lines(sessionId, cartId as string).map((line) => [line.product, line.quantity]) : []);
      const over = [...wanted].find(([product, quantity]) => (held.get(product) ?? 0) + quantity > MAX_LINE_QUANTITY);
      if (over) {
        const reason = `The cart would hold more than ${MAX_LINE_QUANTITY} of ${over[0]}`;
        throw new ValidationError([{ path: "quantity", message: reason }], reason);
      }
      if (new Set([...held.keys(), ...wanted.keys()]).size > MAX_ORDER_LINES) {
        const reason = `A cart holds at most ${MAX_ORDER_LINES} lines (an order's limit)`;
        throw new ValidationError([{ path: "product", message: reason }], reason);
      }
      const id = open ? (cartId as string) : commands.create(sessionId).id;
      let cart = priced(sessionId, id);
      for (const [product, quantity] of wanted)
        cart = commands.setQuantity(sessionId, id, { product, quantity: (held.get(product) ?? 0) + quantity });
      return cart;
    },

    /** `POST /orders/reset` drops the session's carts with its orders (a cart is an order not yet placed). */
    resetCarts(sessionId: string): void {
      transaction(db, () => deleteSessionRows(db, sessionId, sessionTables));
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,
    sessionActivity: () => lastChangePerSession(db, [["carts", "updated_at"]]),
  };
  return commands;
}
export type CartCommands = ReturnType<typeof cartCommands>;
