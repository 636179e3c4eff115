import { describe, expect, test } from "bun:test";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, until, useServerAndBrowser } from "./harness";

/** The order form as a cart: add lines, see the total, remove one, check out, and watch the order's saga. */
describe.skipIf(!chromiumAvailable)("dashboard in chromium: the cart", () => {
  const env = useServerAndBrowser();

  test(
    "a two-line cart, its total, one line removed, checked out: the order is placed and its saga shown",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const lines = page.locator("#order-form .line");
      await lines.nth(0).locator("select").selectOption("mouse-pad");
      await lines.nth(0).locator('input[name="quantity"]').fill("2");
      await lines.nth(1).locator("select").selectOption("keyboard");
      await lines.nth(1).locator('input[name="quantity"]').fill("1");
      await page.setChecked('#order-form input[name="skipDemoDelays"]', true);
      await page.locator("#order-form .add-to-cart").click();
      await until(async () => (await page.locator("#cart-box .cart-lines li").count()) === 2, "the cart to show two lines");
      const catalog = (await (await fetch(`${env.server.baseUrl}/inventory`, { headers: { "x-session-id": sessionId } })).json()) as {
        id: string;
        price_cents: number;
      }[];
      const price = (id: string) => catalog.find((p) => p.id === id)?.price_cents ?? Number.NaN;
      const total = async () => Number(await page.locator("#cart-box [data-total-cents]").getAttribute("data-total-cents"));
      expect(await total()).toBe(2 * price("mouse-pad") + price("keyboard"));
      // No stock is held for a cart.
      const reservations = await fetch(`${env.server.baseUrl}/inventory/reservations`, { headers: { "x-session-id": sessionId } });
      expect(await reservations.json()).toEqual([]);

      await page.getByRole("button", { name: "Remove keyboard from the cart" }).click();
      await until(async () => (await page.locator("#cart-box .cart-lines li").count()) === 1, "the keyboard line to go");
      expect(await total()).toBe(2 * price("mouse-pad"));

      await page.locator("#cart-box .cart-checkout").click();
      await until(async () => (await page.locator("#order-result .form-ok").count()) === 1, "the checkout to be answered");
      const orderId = (await page.locator("#order-result .form-ok").getAttribute("data-order-id")) as string;
      await until(async () => (await page.locator("#cart-box").textContent())?.includes("the cart is gone") === true, "the cart to go");
      const order = (await (
        await fetch(`${env.server.baseUrl}/orders/${orderId}?wait=5000`, { headers: { "x-session-id": sessionId } })
      ).json()) as {
        items: unknown;
        status: string;
      };
      expect([order.items, order.status]).toEqual([[{ product: "mouse-pad", quantity: 2 }], "COMPLETED"]);
      await until(
        async () => (await page.locator(`#orders-panel tr[data-order-id="${orderId}"]`).count()) === 1,
        "the orders panel to list it",
      );
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
