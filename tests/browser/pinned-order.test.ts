import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  statusOf,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
} from "./harness";

const shownOrder = (page: Page) =>
  page
    .locator("#timeline-panel .timeline-order")
    .getAttribute("data-order-id")
    .catch(() => null);
const orderInUrl = (page: Page) => new URL(page.url()).searchParams.get("order");

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the pinned order", () => {
  const env = useServerAndBrowser();

  test(
    "a pinned order is in the URL: a reload shows it still pinned; following the newest again takes it out",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const first = await placeOrderThroughForm(page, { lines: [["mouse", 1]], skipDemoDelays: true });
      const second = await placeOrderThroughForm(page, { lines: [["headset", 1]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, second)) === "COMPLETED", "the second order to complete");
      // An order placed here takes the timeline over, pinned on it (its toggle offers "Follow newest"): so the URL says.
      await until(async () => (await shownOrder(page)) === second, "the timeline to show the order just placed");
      await until(async () => orderInUrl(page) === second, "the order just placed in the URL");

      // Clicked in the orders list, the first order is pinned, and the URL says so.
      await page.click(`#orders-panel tr[data-order-id="${first}"] button.link`);
      await until(async () => (await shownOrder(page)) === first, "the timeline to show the first order");
      await until(async () => orderInUrl(page) === first, "the pinned order in the URL");

      await page.reload();
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(await shownOrder(page)).toBe(first);
      expect(await page.locator("#timeline-panel .follow-toggle").getAttribute("data-following")).toBe("false");
      expect(orderInUrl(page)).toBe(first);

      // Following the newest again: out of the URL.
      await page.click("#timeline-panel .follow-toggle[data-following=false]");
      await until(async () => (await shownOrder(page)) === second, "the timeline to follow the newest again");
      await until(async () => orderInUrl(page) === null, "the order out of the URL");

      // The timeline's pin button pins the newest, into the URL too.
      await page.click("#timeline-panel .follow-toggle[data-following=true]");
      await until(async () => orderInUrl(page) === second, "the newest, pinned, in the URL");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
