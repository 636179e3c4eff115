import { describe, test } from "bun:test";
import {
  type CartFound,
  type CartLine,
  type CartUsage,
  decideAccess,
  decideCheckout,
  decideCreateCart,
  decideRemoveLine,
  decideSetQuantity,
} from "../../src/modules/cart/cart.decide";
import { decisionSpec } from "../support/decision-spec";

const pads: CartLine = { product: "mouse-pad", quantity: 2 };
const keyboard: CartLine = { product: "keyboard", quantity: 1 };

describe("setting a product's quantity", () => {
  const spec = decisionSpec((asked: CartLine, lines: CartLine[]) => [decideSetQuantity(lines, asked, 2)]);

  test("a new product: a new line", () => {
    spec
      .given([])
      .when(pads)
      .then([{ type: "set", product: "mouse-pad", quantity: 2, isNewLine: true }]);
  });
  test("a product in the cart: its quantity replaced, not added to", () => {
    spec
      .given([pads])
      .when({ product: "mouse-pad", quantity: 7 })
      .then([{ type: "set", product: "mouse-pad", quantity: 7, isNewLine: false }]);
  });
  test("0 removes the line", () => {
    spec
      .given([pads, keyboard])
      .when({ product: "keyboard", quantity: 0 })
      .then([{ type: "remove", product: "keyboard" }]);
  });
  test("0 for a product not in the cart changes nothing", () => {
    spec
      .given([pads])
      .when({ product: "keyboard", quantity: 0 })
      .then([{ type: "unchanged" }]);
  });
  test("a new line past the order's line limit is refused; a line already there still changes", () => {
    const full = [pads, keyboard];
    spec
      .given(full)
      .when({ product: "mouse", quantity: 1 })
      .then([{ type: "refuse", reason: "A cart holds at most 2 lines, as an order does; this one holds 2" }]);
    spec
      .given(full)
      .when({ product: "keyboard", quantity: 3 })
      .then([{ type: "set", product: "keyboard", quantity: 3, isNewLine: false }]);
  });
});

describe("removing a line", () => {
  const spec = decisionSpec((product: string, lines: CartLine[]) => [decideRemoveLine(lines, product)]);
  test("a line in the cart goes", () => {
    spec
      .given([pads])
      .when("mouse-pad")
      .then([{ type: "remove", product: "mouse-pad" }]);
  });
  test("a product not in the cart is refused", () => {
    spec
      .given([pads])
      .when("keyboard")
      .then([{ type: "refuse", reason: "Product keyboard is not in the cart" }]);
  });
});

describe("expiry", () => {
  const spec = decisionSpec((now: number, cart: CartFound) => [decideAccess(cart, now)]);
  test("before its expiresAt, a cart is live", () => {
    spec
      .given({ expiresAt: 1_000, abandoned: false })
      .when(999)
      .then([{ type: "live" }]);
  });
  test("at its expiresAt it has expired, counted abandoned the first time it is found so", () => {
    spec
      .given({ expiresAt: 1_000, abandoned: false })
      .when(1_000)
      .then([{ type: "expired", countAbandoned: true }]);
  });
  test("found expired again: not counted again", () => {
    spec
      .given({ expiresAt: 1_000, abandoned: true })
      .when(5_000)
      .then([{ type: "expired", countAbandoned: false }]);
  });
  test("no cart: missing", () => {
    spec
      .given(undefined)
      .when(0)
      .then([{ type: "missing" }]);
  });
});

describe("the carts quota", () => {
  const spec = decisionSpec((max: number, usage: CartUsage) => [decideCreateCart(usage, max)]);
  test("under the quota: created, nothing swept while there is room", () => {
    spec
      .given({ live: 1, expired: 0 })
      .when(3)
      .then([{ type: "create", sweepExpired: false }]);
  });
  test("expired carts go when the room they take is needed", () => {
    spec
      .given({ live: 1, expired: 2 })
      .when(3)
      .then([{ type: "create", sweepExpired: true }]);
  });
  test("live carts at the quota: refused", () => {
    spec
      .given({ live: 3, expired: 5 })
      .when(3)
      .then([
        {
          type: "refuse",
          reason: "This session keeps 3 carts, its quota (3); check one out, let one expire or DELETE /session first",
        },
      ]);
  });
});

describe("checking out", () => {
  const spec = decisionSpec((_: "checkout", lines: CartLine[]) => [decideCheckout(lines)]);
  test("an empty cart is refused", () => {
    spec
      .given([])
      .when("checkout")
      .then([{ type: "refuse", reason: "The cart is empty: add a line first" }]);
  });
  test("the lines become the order's, in the order they were added", () => {
    spec
      .given([keyboard, pads])
      .when("checkout")
      .then([{ type: "checkout", items: [keyboard, pads] }]);
  });
});
