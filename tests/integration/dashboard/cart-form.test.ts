import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp, type TestApp } from "../../support/test-app";

function form(fields: [string, string][]) {
  return { body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
}

async function seeded() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  return t;
}

const cartIdIn = (html: string) => /name="cartId" value="([^"]+)"/.exec(html)?.[1];

async function add(t: TestApp, lines: [string, string][], cartId?: string) {
  const fields: [string, string][] = lines.flatMap(([product, quantity]) => [
    ["product", product],
    ["quantity", quantity],
  ]);
  return t.request("POST", "/dashboard/cart/items", form(cartId ? [["cartId", cartId], ...fields] : fields));
}

describe("the order form's cart", () => {
  test("Add to cart opens a cart with the form's lines; adding again adds to them; the total is the catalog's", async () => {
    const t = await seeded();
    const first = await add(t, [
      ["mouse-pad", "2"],
      ["keyboard", "1"],
    ]);
    expect(first.status).toBe(200);
    const cartId = cartIdIn(first.text) as string;
    const again = await add(t, [["mouse-pad", "3"]], cartId);
    expect(cartIdIn(again.text)).toBe(cartId);
    const cart = (await t.request("GET", `/cart/${cartId}`)).body;
    expect(cart.items.map((l: { product: string; quantity: number }) => [l.product, l.quantity])).toEqual([
      ["mouse-pad", 5],
      ["keyboard", 1],
    ]);
    expect(again.text).toContain(`data-total-cents="${cart.totalCents}"`);
    expect(again.text).toContain("5 × mouse-pad");
    // A cart reserves nothing.
    expect((await t.request("GET", "/inventory/reservations")).body).toEqual([]);
  });

  test("Remove takes a line out; Check out places the order with the form's behaviours, and the cart is gone", async () => {
    const t = await seeded();
    const cartId = cartIdIn(
      (
        await add(t, [
          ["mouse-pad", "2"],
          ["keyboard", "1"],
        ])
      ).text,
    ) as string;
    const removed = await t.request("POST", `/dashboard/cart/${cartId}/items/keyboard/remove`);
    expect(removed.text).not.toContain("× keyboard");
    // One render of the form: every click sends the same Idempotency-Key.
    const checkOut = () =>
      t.request(
        "POST",
        `/dashboard/cart/${cartId}/checkout`,
        form([
          ["cartId", cartId],
          ["paymentBehaviour", "failure"],
          ["skipDemoDelays", "true"],
          ["idempotencyKey", "dashboard-cart-1"],
        ]),
      );
    const checkout = await checkOut();
    expect(checkout.status).toBe(200);
    const orderId = /data-order-id="([^"]+)"/.exec(checkout.text)?.[1] as string;
    expect(checkout.text).toContain('id="cart-box"');
    expect(checkout.text).toContain("the cart is gone");
    t.settle();
    const order = (await t.request("GET", `/orders/${orderId}`)).body;
    expect([order.items, order.paymentBehaviour, order.status]).toEqual([[{ product: "mouse-pad", quantity: 2 }], "failure", "CANCELLED"]);
    expect((await t.request("GET", `/cart/${cartId}`)).status).toBe(404);
    // A second click of the same render answers the same order again.
    const twice = await checkOut();
    expect(twice.text).toContain(`data-order-id="${orderId}"`);
    expect(twice.text).toContain('data-replayed="true"');
  });

  test("a mistake in the lines is shown beside the form and writes nothing; an unknown product is refused", async () => {
    const t = await seeded();
    const rows = countAllRows(t.deps.db);
    const wrong = await add(t, [["mouse-pad", "two"]]);
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain("Quantity must be a whole number");
    const unknown = await t.request("POST", "/dashboard/cart/items", {
      ...form([
        ["product", "mouse-pad"],
        ["quantity", "1"],
        ["product", "<b>nope</b>"],
        ["quantity", "1"],
      ]),
      headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain("&lt;b&gt;nope&lt;/b&gt;");
    expect(unknown.text).not.toContain("<b>nope</b>");
    // Judged before any write: no cart was opened for the refused lines.
    expect(countAllRows(t.deps.db)).toEqual(rows);
  });

  test("a cart of another session, or one gone, is not used: a new one is opened", async () => {
    const t = await seeded();
    await t.request("POST", "/inventory/seed", { session: "other" });
    const theirs = cartIdIn((await add(t, [["mouse-pad", "1"]])).text) as string;
    const mine = await t.request("POST", "/dashboard/cart/items", {
      ...form([
        ["cartId", theirs],
        ["product", "mouse-pad"],
        ["quantity", "1"],
      ]),
      session: "other",
    });
    expect(cartIdIn(mine.text)).not.toBe(theirs);
    expect((await t.request("GET", `/cart/${theirs}`)).body.items).toEqual([expect.objectContaining({ quantity: 1 })]);
  });
});
