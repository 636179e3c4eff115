import type { CartJson } from "../../modules/cart";
import { formatCents, shortId } from "../format";

export const CART_BOX_ID = "cart-box";

/**
 * The form's cart: the lines gathered with "Add to cart", their total and when the cart expires,
 * a Remove per line and Check out (with the form's behaviours and Idempotency-Key). It lives
 * inside the order form, so its cart id travels with every request the form makes. A cart
 * reserves nothing: the stock is reserved by the order's saga after the checkout.
 */
export function CartBox(props: { cart?: CartJson; checkedOut?: string; oob?: boolean }) {
  const { cart } = props;
  return (
    <div id={CART_BOX_ID} class="cart-box" hx-swap-oob={props.oob ? "true" : undefined} aria-live="polite">
      {cart ? <input type="hidden" name="cartId" value={cart.id} /> : null}
      <h3 class="cart-title">Cart{cart ? <code title={cart.id}> {shortId(cart.id)}</code> : null}</h3>
      {!cart || cart.items.length === 0 ? (
        <p class="hint">
          {props.checkedOut
            ? `Checked out as order ${shortId(props.checkedOut)}; the cart is gone.`
            : "Empty. Add to cart puts the lines above in a cart (it reserves nothing); Place order skips the cart."}
        </p>
      ) : (
        <>
          <ul class="cart-lines">
            {cart.items.map((line) => (
              <li data-product={line.product}>
                <span>
                  {line.quantity} × {line.product}
                </span>
                <span class="cart-price">{line.lineCents === undefined ? "not in the catalog" : formatCents(line.lineCents)}</span>
                <button
                  type="button"
                  class="button button-quiet cart-remove"
                  aria-label={`Remove ${line.product} from the cart`}
                  hx-post={`/dashboard/cart/${encodeURIComponent(cart.id)}/items/${encodeURIComponent(line.product)}/remove`}
                  hx-target={`#${CART_BOX_ID}`}
                  hx-swap="outerHTML"
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p class="cart-total">
            Total <strong data-total-cents={String(cart.totalCents)}>{formatCents(cart.totalCents)}</strong>
            <span class="hint"> · expires {cart.expiresAt.slice(11, 19)} UTC unless changed</span>
          </p>
          <button
            type="button"
            class="button button-primary cart-checkout"
            hx-post={`/dashboard/cart/${encodeURIComponent(cart.id)}/checkout`}
            hx-include="closest form"
            hx-target="#order-result"
            hx-swap="innerHTML"
            hx-disable="this"
          >
            Check out
          </button>
        </>
      )}
    </div>
  );
}
