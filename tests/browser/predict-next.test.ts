import { describe, expect, test } from "bun:test";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
} from "./harness";

/** The delivery the bus panel says Step runs next, and the question's delivery (null when none is asked). */
async function nextOnPage(page: Page) {
  const next = page.locator("#bus-panel .step-preview-next");
  await next.waitFor({ timeout: UI_WAIT_MS });
  return { id: await next.getAttribute("data-next-delivery-id"), reaction: (await next.getAttribute("data-next-reaction"))! };
}

/** Picks `reaction` in "What happens next?" for delivery `id`, locks it in, and waits for the panel to show the pick. */
async function pick(page: Page, id: string | null, reaction: string) {
  await page.locator(`#bus-question[data-delivery-id="${id}"]`).waitFor({ timeout: UI_WAIT_MS });
  await page.locator(`#bus-question label[data-choice="${reaction}"] input`).check();
  await page.click("#bus-guess");
  await page.locator(`#bus-question .step-guess[data-guess="${reaction}"]`).waitFor({ timeout: UI_WAIT_MS });
}

describe.skipIf(!chromiumAvailable)('dashboard in chromium: "What happens next?" in step mode', () => {
  const env = useServerAndBrowser();

  test(
    "the room picks, Step runs the delivery the panel named and says whether the pick was right; Predict next is a knob, off by default",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const box = page.locator('#knobs-form input[name="predictNext"]');
      expect(await box.isChecked()).toBe(false);
      await page.click("#bus-panel .step-mode");
      await page.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: UI_WAIT_MS });
      await box.check();
      await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]] });

      // A right pick: the reaction the panel says Step runs.
      const first = await nextOnPage(page);
      await pick(page, first.id, first.reaction);
      await page.click("#bus-panel button.step-next");
      const right = page.locator('#bus-panel .step-verdict[data-right="true"]');
      await right.waitFor({ timeout: UI_WAIT_MS });
      expect(await right.textContent()).toContain(`Right: ${first.reaction} is subscribed to ORDER_CREATED`);
      await until(async () => (await page.locator(`#bus-panel tr[data-delivery-id="${first.id}"]`).count()) === 0, "the delivery to run");

      // A wrong pick: any other choice.
      const second = await nextOnPage(page);
      expect(second.id).not.toBe(first.id);
      const choices = await page
        .locator("#bus-question label[data-choice]")
        .evaluateAll((labels) => labels.map((l) => l.getAttribute("data-choice")));
      expect(choices).toContain(second.reaction);
      const wrong = choices.find((choice) => choice !== second.reaction)!;
      await pick(page, second.id, wrong);
      await page.click("#bus-panel button.step-next");
      const verdict = page.locator('#bus-panel .step-verdict[data-right="false"]');
      await verdict.waitFor({ timeout: UI_WAIT_MS });
      expect(await verdict.textContent()).toContain(`Not this time: ${second.reaction} is subscribed to`);
      expect(await verdict.textContent()).toContain(`${wrong} reacts to`);
      // The question and the verdict keep nobody out (WCAG 2.1 AA, as the rest of the page).
      await page.locator("#bus-question").waitFor({ timeout: UI_WAIT_MS });
      const { violations } = await new AxeBuilder({ page })
        .include("#bus-panel")
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
