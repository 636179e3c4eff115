import { Hono } from "hono";
import { z } from "zod";
import type { CartJson } from "../modules/cart";
import { idempotencyHeaderSchema } from "../modules/orders";
import { AppError } from "../platform/errors";
import type { SessionEnv } from "../platform/session";
import { readForm, validate } from "../platform/validation";
import type { DashboardData, DashboardSources } from "./dashboard-data";
import { parseCheckoutForm, parseOrderForm } from "./order-form";
import { CartBox } from "./views/cart";
import { OrderFormKey, OrderResult } from "./views/order-form";
import { TimelinePanel } from "./views/timeline";

const cartLineParam = z.object({ id: z.string().min(1).max(200), product: z.string().min(1).max(200) });
const cartIdParam = cartLineParam.pick({ id: true });

/**
 * The order form's cart (views/cart.tsx), through the cart module's commands exactly as
 * `/cart` runs them. Mistakes in the lines come back beside the form, as the order form's do;
 * a refusal of the cart (an unknown product, a quantity past its bound, an expired cart at
 * checkout) goes to the app's one error path, which shows htmx its alert.
 */
export function dashboardCartRoutes({ cart }: Pick<DashboardSources, "cart">, data: DashboardData) {
  /** The cart the form names, while it is still open; none when it is gone or expired (a new one is made). */
  const openCart = (sessionId: string, cartId: FormDataEntryValue | null): CartJson | undefined => {
    if (typeof cartId !== "string" || cartId === "" || cartId.length > 200) return undefined;
    try {
      return cart.read(sessionId, cartId);
    } catch (error) {
      if (error instanceof AppError && (error.code === "NOT_FOUND" || error.code === "CART_EXPIRED")) return undefined;
      throw error;
    }
  };

  return new Hono<SessionEnv>()
    .post("/cart/items", async (c) => {
      const form = await readForm(c);
      const parsed = parseOrderForm(form);
      if (!parsed.ok) {
        const before = openCart(c.var.sessionId, form.get("cartId"));
        return c.html(
          <>
            <CartBox cart={before} />
            <div id="order-result" hx-swap-oob="true">
              <OrderResult errors={parsed.errors} />
            </div>
          </>,
          422,
        );
      }
      const cartId = form.get("cartId");
      const named = typeof cartId === "string" && cartId !== "" && cartId.length <= 200 ? cartId : undefined;
      const after = cart.addLines(c.var.sessionId, named, parsed.input.items);
      return c.html(<CartBox cart={after} />);
    })
    .post("/cart/:id/items/:product/remove", validate("param", cartLineParam), (c) => {
      const { id, product } = c.req.valid("param");
      return c.html(<CartBox cart={cart.removeLine(c.var.sessionId, id, product)} />);
    })
    .post("/cart/:id/checkout", validate("param", cartIdParam), async (c) => {
      const form = await readForm(c);
      const key = idempotencyHeaderSchema.shape["idempotency-key"].safeParse(form.get("idempotencyKey") ?? undefined);
      if (!key.success)
        return c.html(<OrderResult errors={[{ path: "idempotencyKey", message: key.error.issues[0]?.message ?? "" }]} />, 422);
      const idempotencyKey = key.data ?? data.newOrderKey();
      const { id } = c.req.valid("param");
      const { order, replayed } = await cart.checkout(c.var.sessionId, id, parseCheckoutForm(form), idempotencyKey);
      const result = <OrderResult placed={order} replayed={replayed} />;
      if (replayed) return c.html(result);
      // As the form's Place order: a fresh key for the next order, and the new saga in the timeline.
      return c.html(
        <>
          {result}
          <OrderFormKey idempotencyKey={data.newOrderKey()} oob />
          <CartBox checkedOut={order.id} oob />
          <TimelinePanel {...data.timelineFor(c.var.sessionId, { orderId: order.id })} oob refreshOnLoad />
        </>,
      );
    });
}
