import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  showTab,
  statusOf,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
} from "./harness";

describe.skipIf(!chromiumAvailable)("dashboard in chromium: keeping what the room did", () => {
  const env = useServerAndBrowser();

  test(
    "Download SVG saves the followed saga's diagram, which opens on its own; Export session saves the session as JSON",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the saga to complete");
      await page.locator(`#diagram-panel svg.sd-diagram[data-order-id="${orderId}"]`).waitFor({ timeout: UI_WAIT_MS });

      const [svgDownload] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#diagram-panel a", { hasText: "Download SVG" }).click(),
      ]);
      expect(svgDownload.suggestedFilename()).toBe(`saga-${orderId}.svg`);
      const svg = await readFile((await svgDownload.path()) as string, "utf8");
      // Opened on its own, as a file: it parses as SVG and is drawn with its own styles.
      const viewer = await context.newPage();
      const drawn = await viewer.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        if (doc.querySelector("parsererror")) return { error: doc.querySelector("parsererror")?.textContent };
        const svgElement = document.importNode(doc.documentElement, true);
        document.body.append(svgElement);
        const head = svgElement.querySelector(".sd-lane-orders .sd-lane-head");
        return { lanes: svgElement.querySelectorAll("[data-lane]").length, fill: head ? getComputedStyle(head).fill : null };
      }, svg);
      expect(drawn).toEqual({ lanes: 4, fill: "rgb(29, 78, 216)" });
      await viewer.close();

      await showTab(page, "details");
      const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.locator("#export-session").click()]);
      expect(jsonDownload.suggestedFilename()).toBe(`saga-session-${sessionId}.json`);
      const exported = JSON.parse(await readFile((await jsonDownload.path()) as string, "utf8"));
      expect(exported.session.sessionId).toBe(sessionId);
      expect(exported.orders.map((order: { id: string }) => order.id)).toEqual([orderId]);
      const types = exported.events.map((event: { type: string }) => event.type);
      expect([types[0], types.at(-1)]).toEqual(["ORDER_CREATED", "ORDER_COMPLETED"]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
