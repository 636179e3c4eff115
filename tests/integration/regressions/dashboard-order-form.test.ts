import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

// Found by tsc after merging the hot-path work: placeOrder became async and the dashboard's
// order form used the promise as the placed order, so its answer never named the new order.
test("the dashboard's order form answers with the order it placed and follows its saga", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  const response = await t.app.request("/dashboard/orders", {
    method: "POST",
    headers: { "x-session-id": "test-session", "content-type": "application/x-www-form-urlencoded" },
    body: "product=laptop&quantity=1&skipDemoDelays=on",
  });
  const html = await response.text();

  expect(response.status).toBe(200);
  const orders = (await t.request("GET", "/orders")).body as { id: string }[];
  expect(orders).toHaveLength(1);
  expect(html).toContain(orders[0]!.id);
});

// Found by review (issue 18): the form kept its first 100 lines and placed them, where
// `POST /orders` refuses 150 lines with 400 VALIDATION_FAILED.
describe("the dashboard's order form with more lines than an order may have", () => {
  const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ product: i % 2 ? "mouse" : "laptop", quantity: 1 }));
  const asForm = (items: { product: string; quantity: number }[]) =>
    new URLSearchParams(
      items.flatMap(({ product, quantity }) => [
        ["product", product],
        ["quantity", String(quantity)],
      ]),
    ).toString();
  const form = { "content-type": "application/x-www-form-urlencoded" };

  test("answers what POST /orders answers for the same 150 lines, and writes nothing", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const before = countAllRows(t.deps.db);
    const api = await t.request("POST", "/orders", { body: { items: lines(150) } });
    const dashboard = await t.request("POST", "/dashboard/orders", { body: asForm(lines(150)), headers: form });
    const check = await t.request("POST", "/dashboard/inventory/check", { body: asForm(lines(150)), headers: form });

    expect(api.status).toBe(400);
    expect({ status: dashboard.status, body: dashboard.body }).toEqual({ status: api.status, body: api.body });
    expect({ status: check.status, body: check.body }).toEqual({ status: api.status, body: api.body });
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("an htmx submission gets that error as the app's alert fragment, leaving the form as it was", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const before = countAllRows(t.deps.db);
    const api = await t.request("POST", "/orders", { body: { items: lines(101) } });
    const answer = await t.request("POST", "/dashboard/orders", { body: asForm(lines(101)), headers: { ...form, "hx-request": "true" } });

    expect(answer.status).toBe(400);
    expect(answer.headers.get("hx-reswap")).toBe("none");
    expect(answer.text).toContain('data-code="VALIDATION_FAILED"');
    expect(answer.text).toContain(Bun.escapeHTML(api.body.error));
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("100 lines, the most an order may have, are placed as one order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const answer = await t.request("POST", "/dashboard/orders", { body: asForm(lines(100)), headers: form });

    expect(answer.status).toBe(200);
    const orders = (await t.request("GET", "/orders")).body as { items: unknown[] }[];
    expect(orders.map((order) => order.items.length)).toEqual([100]);
  });
});
