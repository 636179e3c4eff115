import { describe, expect, test } from "bun:test";
import { diagramStyles } from "../../../src/dashboard/diagram-styles";
import { createTestApp } from "../../support/test-app";

async function completedOrder() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed", { session: "s" });
  const order = await t.request("POST", "/orders", {
    session: "s",
    body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true },
  });
  t.settle();
  return { t, orderId: order.body.id as string };
}

describe("GET /dashboard/diagram.svg: the followed saga's diagram as a file", () => {
  test("is a standalone SVG download: the order's lanes and arrows, its styles inside, no links and no script", async () => {
    const { t, orderId } = await completedOrder();
    const answer = await t.request("GET", `/dashboard/diagram.svg?order=${orderId}&session=s`, { session: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toBe(`attachment; filename="saga-${orderId}.svg"`);
    const svg = answer.text;
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(`data-order-id="${orderId}"`);
    for (const lane of ["orders", "inventory", "payments", "notifications"]) expect(svg).toContain(`data-lane="${lane}"`);
    // The same arrows as the panel draws.
    const panel = (await t.request("GET", `/dashboard/diagram?order=${orderId}`, { session: "s" })).text;
    const arrows = (html: string) => html.match(/data-arrow-id="[^"]+"/g) ?? [];
    expect(arrows(svg)).toEqual(arrows(panel));
    expect(arrows(svg).length).toBeGreaterThan(5);
    expect(svg).toContain(`<style>${diagramStyles()}</style>`);
    expect(svg).not.toMatch(/<script|<a\b|href=|hx-/);
  });

  test("the panel links to it, with the session in the URL (a link cannot send a header)", async () => {
    const { t, orderId } = await completedOrder();
    const panel = (await t.request("GET", `/dashboard/diagram?order=${orderId}`, { session: "s" })).text;
    expect(panel).toContain(`href="/dashboard/diagram.svg?order=${orderId}&amp;session=s" download`);
  });

  test("an order the session does not have is a 404 with a code, in every session but its own", async () => {
    const { t, orderId } = await completedOrder();
    for (const path of [
      `/dashboard/diagram.svg?order=${orderId}&session=other`,
      "/dashboard/diagram.svg?session=s",
      `/dashboard/diagram.svg?order=${"x".repeat(201)}&session=s`,
    ]) {
      const answer = await t.request("GET", path, { session: null });
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe("NOT_FOUND");
    }
  });

  test("its styles are the page's diagram rules, read from the one stylesheet", () => {
    const css = ".sd-line { stroke: red; }\n.sd-panel { grid-column: 1; }\n.sd-arrow { cursor: pointer; }\n.other { x: y; }";
    expect(diagramStyles(css).split("\n").slice(1)).toEqual([".sd-line { stroke: red; }"]);
  });
});
