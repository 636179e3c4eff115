import { describe, expect, test } from "bun:test";
import { cartModule } from "../../../src/modules/cart";
import { placeOrderBehavioursSchema } from "../../../src/modules/orders";
import { transaction } from "../../../src/platform/db";
import { InvalidStateError } from "../../../src/platform/errors";
import { createTestApp } from "../../support/test-app";

async function seededCart() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const { body: cart } = await t.request("POST", "/cart");
  await t.request("PUT", `/cart/${cart.id}/items`, { body: { product: "mouse-pad", quantity: 1 } });
  return { t, id: cart.id as string };
}

describe("a checkout racing other requests of its cart", () => {
  test("two checkouts at once (no key): one order; the other finds the cart gone (404) and writes nothing", async () => {
    const { t, id } = await seededCart();
    const answers = await Promise.all([
      t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true } }),
      t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true } }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404]);
    expect((await t.request("GET", "/orders")).body).toHaveLength(1);
  });

  test("two checkouts at once with one Idempotency-Key: one order, answered to both", async () => {
    const { t, id } = await seededCart();
    const headers = { "idempotency-key": "same" };
    const answers = await Promise.all([
      t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true }, headers }),
      t.request("POST", `/cart/${id}/checkout`, { body: { skipDemoDelays: true }, headers }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]?.body.id).toBe(answers[1]?.body.id);
    expect((await t.request("GET", "/orders")).body).toHaveLength(1);
  });

  test("a line changed while the checkout waits for its commit: 409, no order, the cart kept as changed", async () => {
    // The order's savepoint is run a turn later (group commit, an rpc chain's calls); a port that
    // changes the cart just before running it makes that interleaving certain.
    const t = createTestApp();
    const placed: unknown[] = [];
    const cart = cartModule(t.deps, {
      catalog: { prices: () => new Map([["mouse-pad", 2499]]) },
      orders: {
        placeOrder: async (sessionId, input, { alongside }) => {
          cart.commands.setQuantity(sessionId, id, { product: "mouse-pad", quantity: 4 });
          transaction(t.deps.db, () => alongside?.());
          placed.push(input);
          throw new Error("unreachable: alongside refuses the changed cart");
        },
        placeOrderOnce: async () => {
          throw new Error("no key in this test");
        },
        replayOf: () => null,
      },
      observe: { operation: () => {}, abandoned: () => {} },
    });
    const id = cart.commands.create("s").id;
    cart.commands.setQuantity("s", id, { product: "mouse-pad", quantity: 1 });
    const behaviours = placeOrderBehavioursSchema.parse({ skipDemoDelays: true });
    await expect(cart.commands.checkout("s", id, behaviours)).rejects.toThrow(InvalidStateError);
    expect(placed).toEqual([]);
    expect(cart.commands.read("s", id).items).toMatchObject([{ product: "mouse-pad", quantity: 4 }]);
  });
});
