import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, showTab, UI_WAIT_MS, until, useServerAndBrowser } from "./harness";

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

  test(
    "a scenario run from its button breaks the books in this session: the violation is shown, and its link opens the event in the order's saga",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      // The run wipes the session, so the button asks first; this person says yes.
      page.removeAllListeners("dialog");
      const asked: string[] = [];
      page.on("dialog", (dialog) => {
        asked.push(dialog.message());
        void dialog.accept();
      });
      await page.locator('#break-it-panel li[data-scenario="double-release"] button').click();
      await until(async () => asked.length === 1, "the question before the run");
      expect(asked[0]).toContain("wiping this session");
      // The scenario's switch shows on in the panel; the bug and its fix can be opened beside it.
      await page.locator('#break-it-panel .bug[data-bug="ignoreCancellationSource"][data-on="true"]').waitFor({ timeout: UI_WAIT_MS });
      const code = page.locator('#break-it-panel li[data-scenario="double-release"] details.bug-and-fix');
      await code.locator("summary").click();
      expect(await code.locator('[data-excerpt="bug"] pre').innerText()).toContain("releaseIgnoringCancellationSource");
      expect(await code.locator('[data-excerpt="fix"] pre').innerText()).toContain("onOrderCancelled");

      // The outcome is in sight where the button was: the panel's verdict names the invariant, its causes linked.
      const inPanel = page.locator('#break-it-panel #invariants-verdict li[data-invariant="stock_conserved"] .caused-by a');
      await inPanel.first().waitFor({ timeout: UI_WAIT_MS });
      await showTab(page, "details");
      const violation = page.locator('#invariants-panel li[data-invariant="stock_conserved"]');
      await violation.waitFor({ timeout: UI_WAIT_MS });
      const link = violation.locator(".caused-by a").first();
      const seq = await link.getAttribute("data-seq");
      const orderId = await link.getAttribute("data-order-id");
      await link.click();
      await page.waitForURL((url) => url.searchParams.get("order") === orderId && url.hash === `#event-${seq}`, { timeout: UI_WAIT_MS });
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      // The saga of that order, at the named event: marked, in view, and drawn in the diagram.
      const step = page.locator(`#timeline-panel li#event-${seq}`);
      await step.waitFor({ timeout: UI_WAIT_MS });
      expect(await step.evaluate((el) => el.matches(":target"))).toBe(true);
      expect(await step.isVisible()).toBe(true);
      await page.locator(`#diagram-panel [data-order-id="${orderId}"]`).waitFor({ timeout: UI_WAIT_MS });
      // Only this session broke.
      const other = await page.request.get(`${env.server.baseUrl}/consistency`, { headers: { "x-session-id": `${sessionId}-other` } });
      expect((await other.json()).consistent).toBe(true);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
