import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../platform/db";
import type { CartLine } from "./cart.decide";
import { type CartRow, cartItems, carts } from "./cart.sql";

/** The cart's reads: a cart, its lines in the order they were added, and what a session keeps. */
export function cartQueries(db: Database) {
  return {
    cart(sessionId: string, cartId: string): CartRow | undefined {
      return db
        .select()
        .from(carts)
        .where(and(eq(carts.sessionId, sessionId), eq(carts.id, cartId)))
        .get();
    },

    lines(sessionId: string, cartId: string): CartLine[] {
      return db
        .select({ product: cartItems.product, quantity: cartItems.quantity })
        .from(cartItems)
        .where(and(eq(cartItems.sessionId, sessionId), eq(cartItems.cartId, cartId)))
        .orderBy(asc(cartItems.lineNo))
        .all();
    },

    /** The session's carts, live and expired at `now` (the quota's count). */
    usage(sessionId: string, now: number): { live: number; expired: number } {
      const row = db.$client
        .query<{ live: number; expired: number }, [number, number, string]>(
          "SELECT COALESCE(SUM(expires_at > ?), 0) AS live, COALESCE(SUM(expires_at <= ?), 0) AS expired FROM carts WHERE session_id = ?",
        )
        .get(now, now, sessionId);
      return row ?? { live: 0, expired: 0 };
    },
  };
}
export type CartQueries = ReturnType<typeof cartQueries>;
