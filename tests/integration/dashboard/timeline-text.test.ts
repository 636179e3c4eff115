import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

/**
 * Found walking the workshop script: under an out-of-stock order, whose script line says that
 * nothing needs compensation, the timeline said "refundWhenStockNotDelivered: applied"; and
 * reaction names broke mid-word in a narrow panel. A delivery whose decision changed nothing
 * says so in the decision's own words; a name breaks only after a dot or before a capital.
 */
const deliveryLine = (html: string, reaction: string) => {
  const start = html.indexOf(`data-reaction="${reaction}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</li>", start));
};
const words = (line: string) => line.replace(/<wbr\s*\/?>/g, "").replace(/<[^>]+>/g, "");

describe("the timeline's text", () => {
  test("an out-of-stock order: the refund says it had nothing to refund, never applied", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const order = (await t.request("POST", "/orders", { body: { items: [{ product: "laptop", quantity: 999 }], skipDemoDelays: true } }))
      .body;
    t.settle(t.clock.now() + 60_000);
    const html = (await t.request("GET", `/dashboard/timeline?order=${order.id}`)).text;
    const refund = deliveryLine(html, "payments.refundWhenStockNotDelivered");
    expect(refund).toContain("data-changed-nothing");
    expect(words(refund)).toContain(
      "refundWhenStockNotDelivered: nothing to do: no payment is taken before stock is reserved: nothing to refund",
    );
    expect(words(refund)).not.toContain("applied");
    // The reaction that did cancel the order still says applied.
    expect(words(deliveryLine(html, "orders.cancelOrderWhenStockUnavailable"))).toContain("cancelOrderWhenStockUnavailable: applied");
    // The API says the same: the attempt applied, and changed nothing, for that reason.
    const log = (await t.request("GET", `/orders/${order.id}/deliveries`)).body as { reaction: string; ignoredBecause?: string }[];
    expect(log.find((d) => d.reaction === "payments.refundWhenStockNotDelivered")).toMatchObject({
      outcome: "applied",
      ignoredBecause: "no payment is taken before stock is reserved: nothing to refund",
    });
    expect(log.find((d) => d.reaction === "orders.cancelOrderWhenStockUnavailable")).not.toHaveProperty("ignoredBecause");
  });

  test("a reaction's name may break only after its dot or before a capital", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    const order = (await t.request("POST", "/orders", { body: { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true } }))
      .body;
    t.relay.runDue();
    await t.request("POST", "/bus/step"); // the reservation, applied
    const timeline = (await t.request("GET", `/dashboard/timeline?order=${order.id}`)).text;
    expect(deliveryLine(timeline, "inventory.reserveStockWhenOrderCreated")).toContain(
      '<span class="reaction-name">reserve<wbr/>Stock<wbr/>When<wbr/>Order<wbr/>Created</span>: applied',
    );
    const bus = (await t.request("GET", "/dashboard/bus")).text;
    expect(bus).toContain('<span class="reaction-name reaction">notifications.<wbr/>notify<wbr/>On<wbr/>Order<wbr/>Created</span>');
    // The stylesheet forbids any other break inside such a name.
    const css = await (await t.app.request("/assets/dashboard.css")).text();
    expect(css).toMatch(/\.reaction-name\s*\{[^}]*overflow-wrap:\s*normal;[^}]*word-break:\s*normal;/);
  });
});
