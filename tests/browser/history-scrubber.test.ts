import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  showTab,
  statusOf,
  until,
  useServerAndBrowser,
} from "./harness";

const scrubber = "#history-panel .history-input";
/** The version on screen: the one the scrubber shows, and the status it reads. */
const shown = (page: Page) =>
  page.evaluate(() => {
    const visible = Array.from(document.querySelectorAll<HTMLElement>("#history-panel .history-version")).filter((v) => !v.hidden);
    return visible.map((v) => `${v.dataset.version} ${v.querySelector('[data-field="status"] dd')?.textContent}`).join(",");
  });
const latest = (page: Page) => page.locator("#history-panel .history-scrubber").getAttribute("data-latest");

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the history scrubber", () => {
  const env = useServerAndBrowser();

  test(
    "scrubbed with the keyboard to version 1 and back; a live update keeps the version held; the rebuild says identical",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const id = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, id)) === "COMPLETED", "the saga to complete");
      await until(async () => (await latest(page)) === "3", "the scrubber to reach version 3");
      expect(await shown(page)).toBe("3 COMPLETED");

      await page.focus(scrubber);
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("ArrowLeft");
      expect(await shown(page)).toBe("1 PENDING");
      expect(await page.locator(scrubber).getAttribute("aria-valuetext")).toBe("version 1: created");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      expect(await shown(page)).toBe("3 COMPLETED");

      // Held at version 1 while the cancel brings versions 4 and 5: it stays at 1, focused.
      await page.keyboard.press("Home");
      expect(await shown(page)).toBe("1 PENDING");
      const cancel = await fetch(`${env.server.baseUrl}/orders/${id}/cancel?wait=0`, {
        method: "POST",
        headers: { "x-session-id": sessionId },
      });
      expect(cancel.status).toBeLessThan(300);
      await until(async () => (await latest(page)) === "5", "the cancel's versions to arrive");
      expect(await shown(page)).toBe("1 PENDING");
      expect(await page.evaluate(() => document.activeElement?.classList.contains("history-input"))).toBe(true);
      await page.keyboard.press("End");
      expect(await shown(page)).toBe("5 CANCELLED");

      await showTab(page, "details");
      await page.click("#rebuild-read-model");
      const result = page.locator("#rebuild-result");
      await until(async () => (await result.getAttribute("data-identical")) === "true", "the rebuild to answer");
      expect(await page.locator("#rebuild-result").textContent()).toBe("Rebuilt 1 order from their streams: identical");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
