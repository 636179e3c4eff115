import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { DELETE_SESSION_WARNING, RESET_ORDERS_WARNING } from "../../src/dashboard/views/invariants";
import { RESET_INVENTORY_WARNING } from "../../src/dashboard/views/inventory";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, showTab, UI_WAIT_MS, until, useServerAndBrowser } from "./harness";

/** This person says yes to every question; what was asked is kept. */
function acceptEveryDialog(page: Page): string[] {
  page.removeAllListeners("dialog");
  const asked: string[] = [];
  page.on("dialog", (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  return asked;
}

describe.skipIf(!chromiumAvailable)("dashboard in chromium: the Invariants panel's resets", () => {
  const env = useServerAndBrowser();

  async function brokenDashboard() {
    const opened = await openFreshDashboard(env.browser, env.server.baseUrl);
    const { page, sessionId } = opened;
    const run = await page.request.post(`${env.server.baseUrl}/scenarios/double-release/run`, { headers: { "x-session-id": sessionId } });
    expect(run.status()).toBe(200);
    await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
    await showTab(page, "details");
    await page.locator('#invariants-panel [data-consistent="false"]').waitFor({ timeout: UI_WAIT_MS });
    return opened;
  }

  test(
    "after a broken double release, Reset orders then Reset inventory turn the panel green, each asking first",
    async () => {
      const { context, page, seen } = await brokenDashboard();
      const asked = acceptEveryDialog(page);
      await page.click("#reset-orders");
      await until(async () => asked.length === 1, "the question before the orders reset");
      expect(asked[0]).toBe(RESET_ORDERS_WARNING);
      await page.click("#reset-inventory");
      await until(async () => asked.length === 2, "the question before the inventory reset");
      expect(asked[1]).toBe(RESET_INVENTORY_WARNING);
      await page.locator('#invariants-panel [data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "Delete session asks first, then reopens the same session, clean, green and seeded",
    async () => {
      const { context, page, seen, sessionId } = await brokenDashboard();
      const asked = acceptEveryDialog(page);
      await Promise.all([page.waitForEvent("load", { timeout: UI_WAIT_MS }), page.click("#delete-session")]);
      expect(asked).toEqual([DELETE_SESSION_WARNING]);
      expect(new URL(page.url()).searchParams.get("session")).toBe(sessionId);
      await showTab(page, "details");
      await page.locator('#invariants-panel [data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
      const headers = { "x-session-id": sessionId };
      expect(await (await page.request.get(`${env.server.baseUrl}/orders`, { headers })).json()).toEqual([]);
      expect(await (await page.request.get(`${env.server.baseUrl}/inventory`, { headers })).json()).toHaveLength(7);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
