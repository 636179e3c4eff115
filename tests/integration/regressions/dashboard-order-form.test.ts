import { expect, test } from "bun:test";
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
