import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, UI_WAIT_MS, until, useServerAndBrowser } from "./harness";

const settingsOf = async (page: Page, baseUrl: string, sessionId: string) =>
  (await (await page.request.get(`${baseUrl}/settings`, { headers: { "x-session-id": sessionId } })).json()) as Record<string, unknown>;

describe.skipIf(!chromiumAvailable)("dashboard in chromium: Break it", () => {
  const env = useServerAndBrowser();

  test(
    "ticking a switch in the panel turns that bug on in the session, unticking it turns it off, the knobs unchanged",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const before = await settingsOf(page, env.server.baseUrl, sessionId);
      const box = page.locator("#break-it-panel #bug-ignoreCancellationSource");
      await box.check();
      await until(
        async () => JSON.stringify((await settingsOf(page, env.server.baseUrl, sessionId)).bugs) === '["ignoreCancellationSource"]',
        "the switch to be on",
      );
      // The panel answered with itself, the switch shown on.
      await page.locator('#break-it-panel .bug[data-bug="ignoreCancellationSource"][data-on="true"]').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator("#break-it-panel #bug-ignoreCancellationSource").isChecked()).toBe(true);

      // The crash rate, moved as a person does (the value, then `change` on release), posts the switches with it.
      const setCrashRate = (value: string) =>
        page.locator("#bug-crashBetweenWritesRate").evaluate((input: HTMLInputElement, v: string) => {
          input.value = v;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }, value);
      await setCrashRate("0.5");
      await until(
        async () => (await settingsOf(page, env.server.baseUrl, sessionId)).crashBetweenWritesRate === 0.5,
        "the crash rate to be 50 %",
      );
      expect((await settingsOf(page, env.server.baseUrl, sessionId)).bugs).toEqual(["ignoreCancellationSource"]);
      await page
        .locator('#break-it-panel output[data-percent-of="crashBetweenWritesRate"]', { hasText: "50%" })
        .waitFor({ timeout: UI_WAIT_MS });
      await setCrashRate("0");
      await until(
        async () => (await settingsOf(page, env.server.baseUrl, sessionId)).crashBetweenWritesRate === 0,
        "the crash rate to be 0",
      );

      await page.locator("#break-it-panel #bug-ignoreCancellationSource").uncheck();
      await until(
        async () => JSON.stringify((await settingsOf(page, env.server.baseUrl, sessionId)).bugs) === "[]",
        "the switch to be off",
      );
      await page.locator('#break-it-panel .bug[data-bug="ignoreCancellationSource"][data-on="false"]').waitFor({ timeout: UI_WAIT_MS });
      expect(await settingsOf(page, env.server.baseUrl, sessionId)).toEqual(before);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
