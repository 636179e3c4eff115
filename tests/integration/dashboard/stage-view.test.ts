import { describe, expect, test } from "bun:test";
import { createTestApp, fiveMousePads } from "../../support/test-app";

/** The ids of a page's elements, in page order. */
const idsIn = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

describe("GET / with ?view=", () => {
  test("view=stage answers the stage view: the diagram slot, the board, the bus and the exercise's controls, and nothing else", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "room" });
    await t.request("POST", "/orders", { session: "room", body: fiveMousePads });
    t.settle();
    const res = await t.request("GET", "/?session=room&view=stage", { session: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const ids = idsIn(res.text);
    for (const id of ["diagram-slot", "timeline-panel", "reservations-panel", "bus-panel", "stage-controls", "live", "view-switch"]) {
      expect(ids).toContain(id);
    }
    // The timeline is inside the slot: the slot opens before it, and the board comes after both.
    expect(ids.indexOf("diagram-slot")).toBeLessThan(ids.indexOf("timeline-panel"));
    for (const id of ["order-form", "payments-panel", "curl-panel", "events-panel", "dashboard-tabs"]) expect(ids).not.toContain(id);
    expect(res.text).toContain('<html lang="en" class="stage-view">');
    expect(res.text).toContain('href="/?session=room"');
    // The stage's order form posts where the dashboard's does, with a saga style to choose.
    expect(res.text).toContain('hx-post="/dashboard/orders"');
    expect(res.text).toMatch(/<select name="sagaStyle">/);
  });

  test("the dashboard has the same diagram slot, its two tabs, and a link to the stage view of the session", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "room" });
    const res = await t.request("GET", "/?session=room", { session: null });
    const ids = idsIn(res.text);
    expect(ids).toContain("diagram-slot");
    expect(ids.indexOf("diagram-slot")).toBeLessThan(ids.indexOf("timeline-panel"));
    expect(res.text).toContain('role="tablist"');
    expect(res.text).toContain('id="tabpanel-details" aria-labelledby="tab-details" hidden');
    expect(res.text).toContain('href="/?session=room&amp;view=stage"');
  });

  test("a view it does not know is the dashboard, not an error", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "room" });
    for (const query of ["view=Stage", "view=", "view=%3Cb%3E", "view=projector"]) {
      const res = await t.request("GET", `/?session=room&${query}`, { session: null });
      expect(res.status).toBe(200);
      expect(idsIn(res.text)).toContain("dashboard-tabs");
      expect(idsIn(res.text)).not.toContain("stage-controls");
    }
  });
});
