import { describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  reservationCard,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
  waitForAttribute,
  watch,
} from "./harness";

/** What the room must see at every step on the stage view, by selector. */
const stageParts = {
  "the diagram slot": "#diagram-slot",
  "the reservation board": "#reservations-panel",
  "the bus": "#bus-panel",
  "the bus's Step button": "#bus-panel button.step-next",
  "the step mode switch": "#bus-panel .step-mode",
  "the exercise's controls": "#stage-controls",
} as const;

type Box = { top: number; left: number; bottom: number; right: number };
const boxOf = (page: Page, selector: string): Promise<Box> =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const { top, left, bottom, right } = el.getBoundingClientRect();
      return { top, left, bottom, right };
    });

/** Each part that is not wholly on the screen, with its box; and whether the page itself scrolls. */
async function offScreen(page: Page, selectors: Record<string, string>): Promise<string[]> {
  const { width, height } = page.viewportSize()!;
  const problems: string[] = [];
  for (const [what, selector] of Object.entries(selectors)) {
    const box = await boxOf(page, selector);
    if (box.top < 0 || box.left < 0 || box.bottom > height + 0.5 || box.right > width + 0.5) {
      problems.push(`${what} (${selector}) at ${JSON.stringify(box)}`);
    }
  }
  const scroll = await page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
  }));
  if (scroll.height > height || scroll.width > width) problems.push(`the page scrolls: ${JSON.stringify(scroll)}`);
  return problems;
}

/** Every element with text of its own inside `selector` whose text is smaller than `px`. */
function smallText(page: Page, selector: string, px: number): Promise<string[]> {
  return page.evaluate(
    ({ selector, px }) => {
      const found: string[] = [];
      for (const root of Array.from(document.querySelectorAll(selector))) {
        for (const el of [root, ...Array.from(root.querySelectorAll("*"))]) {
          if (el.closest(".visually-hidden")) continue;
          const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
          const box = el.getBoundingClientRect();
          if (!hasText || box.width === 0 || box.height === 0) continue;
          // A drawing's text is as large as the drawing is drawn: its font size times the svg's scale.
          const svg = el.closest("svg");
          const scale = svg?.viewBox.baseVal?.width ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
          const size = parseFloat(getComputedStyle(el).fontSize) * scale;
          if (size < px)
            found.push(`${el.tagName.toLowerCase()}.${el.getAttribute("class") ?? ""} "${el.textContent!.trim().slice(0, 30)}" ${size}px`);
        }
      }
      return found;
    },
    { selector, px },
  );
}

/** The stage view of an existing session, in a browser context of its own at the given size. */
async function openStage(browser: Browser, baseUrl: string, sessionId: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(`${baseUrl}/?session=${encodeURIComponent(sessionId)}&view=stage`);
  await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
  return { context, page, seen };
}

/** Everything the room must see is on the screen, in text of at least 20 px. */
async function expectStageFits(page: Page, when: string) {
  expect({ when, offScreen: await offScreen(page, stageParts) }).toEqual({ when, offScreen: [] });
  const small = await smallText(page, "#diagram-slot, #reservations-panel, #bus-panel, #stage-controls", 20);
  expect({ when, small }).toEqual({ when, small: [] });
}

describe.skipIf(!chromiumAvailable)("the stage view in chromium", () => {
  const env = useServerAndBrowser();

  test(
    "at 1024 × 768 a whole saga, stepped from the stage, never leaves the diagram slot, the board or the bus's next step off the screen",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      // Earlier sagas of the session: a completed one and a declined payment, so the board and the timeline have rows.
      const done = await placeOrderThroughForm(attendee.page, { lines: [["mouse-pad", 2]], skipDemoDelays: true });
      await reservationCard(attendee.page, "CONFIRMED", done).waitFor({ timeout: UI_WAIT_MS });
      const failed = await placeOrderThroughForm(attendee.page, {
        lines: [["headset", 1]],
        paymentBehaviour: "failure",
        skipDemoDelays: true,
      });
      await reservationCard(attendee.page, "RELEASED", failed).waitFor({ timeout: UI_WAIT_MS });
      await attendee.context.close();

      const { context, page, seen } = await openStage(env.browser, env.server.baseUrl, attendee.sessionId, { width: 1024, height: 768 });
      await expectStageFits(page, "before the order");
      await page.click("#bus-panel .step-mode");
      await page.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: UI_WAIT_MS });

      await page.selectOption('#stage-controls select[name="product"]', "keyboard");
      await page.fill('#stage-controls input[name="quantity"]', "2");
      await page.selectOption('#stage-controls select[name="sagaStyle"]', "orchestration");
      await page.click("#stage-controls button[type=submit]");
      const placed = page.locator("#stage-order-result .form-ok");
      await placed.waitFor({ timeout: UI_WAIT_MS });
      const orderId = (await placed.getAttribute("data-order-id"))!;
      await waitForAttribute(page.locator("#timeline-panel .timeline-order"), "data-order-id", orderId);

      // Stepped one delivery at a time, as the teacher does: the next one is on the screen before each Step.
      let steps = 0;
      while ((await page.locator("#timeline-panel .panel-actions .badge-completed").count()) === 0) {
        const next = page.locator('#bus-panel tr[data-held="true"]').first();
        await next.waitFor({ timeout: UI_WAIT_MS });
        const id = await next.getAttribute("data-delivery-id");
        // Before the click, the panel says which delivery Step runs: this first held one.
        await waitForAttribute(page.locator("#bus-panel .step-preview-next"), "data-next-delivery-id", id!);
        await expectStageFits(page, `before step ${steps + 1}`);
        // The next delivery as the room reads it: the "Step → … receives …" line, which names the first held row.
        expect(await offScreen(page, { "the next delivery": "#bus-panel .step-preview-next" })).toEqual([]);
        await page.click("#bus-panel button.step-next");
        await until(async () => (await page.locator(`#bus-panel tr[data-delivery-id="${id}"]`).count()) === 0, `delivery ${id} to run`);
        steps += 1;
        expect(steps).toBeLessThan(20);
      }
      await reservationCard(page, "CONFIRMED", orderId).waitFor({ timeout: UI_WAIT_MS });
      await expectStageFits(page, "after the saga completed");
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/stage-1024x768.png` });
      expect(await offScreen(page, { "the order's card": `#reservations-panel [data-order-id="${orderId}"]` })).toEqual([]);
      expect(steps).toBeGreaterThanOrEqual(5);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS * 2,
  );

  test(
    "at 1920 × 1080 it uses the width: the board and the bus stand beside the diagram slot, across the screen",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      await attendee.context.close();
      const { context, page, seen } = await openStage(env.browser, env.server.baseUrl, attendee.sessionId, { width: 1920, height: 1080 });
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/stage-1920x1080.png` });
      const [slot, board, bus] = await Promise.all(["#diagram-slot", "#reservations-panel", "#bus-panel"].map((s) => boxOf(page, s)));
      expect(board!.left).toBeGreaterThanOrEqual(slot!.right);
      expect(bus!.left).toBeGreaterThanOrEqual(slot!.right);
      expect(bus!.top).toBeGreaterThanOrEqual(board!.bottom);
      expect(Math.max(board!.right, bus!.right) - slot!.left).toBeGreaterThan(1920 * 0.9);
      // And the full height: the diagram slot runs from under the controls to the bottom of the screen.
      expect(slot!.bottom - slot!.top).toBeGreaterThan(1080 * 0.7);
      expect(await offScreen(page, stageParts)).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "at 1024 × 768 the stage runs a scenario from Break it: the verdict turns red naming the invariant, the diagram shows the saga, nothing leaves the screen",
    async () => {
      const attendee = await openFreshDashboard(env.browser, env.server.baseUrl);
      await attendee.context.close();
      const { context, page, seen } = await openStage(env.browser, env.server.baseUrl, attendee.sessionId, { width: 1024, height: 768 });
      const verdict = page.locator("#stage-controls #invariants-verdict");
      await waitForAttribute(verdict, "data-consistent", "true");
      page.removeAllListeners("dialog");
      page.on("dialog", (dialog) => void dialog.accept());
      await page.locator("#stage-controls .stage-break-it summary").click();
      await page.locator('#stage-controls li[data-scenario="lost-update"] button').click();
      await waitForAttribute(verdict, "data-consistent", "false");
      expect(await verdict.innerText()).toContain("stock_conserved");
      await page.locator("#diagram-panel [data-arrow-id]").first().waitFor({ timeout: UI_WAIT_MS });
      await page.locator("#stage-controls .stage-break-it summary").click();
      await expectStageFits(page, "after the scenario, Break it folded again");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the header switches between the dashboard and the stage view, keeping the session",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.click("#view-switch");
      await page.waitForURL(/view=stage/, { timeout: UI_WAIT_MS });
      expect(new URL(page.url()).searchParams.get("session")).toBe(sessionId);
      await page.locator("#stage-controls").waitFor({ timeout: UI_WAIT_MS });
      await page.click("#view-switch");
      await page.locator("#dashboard-tabs").waitFor({ timeout: UI_WAIT_MS });
      expect(new URL(page.url()).searchParams.get("session")).toBe(sessionId);
      expect(new URL(page.url()).searchParams.get("view")).toBeNull();
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!chromiumAvailable)("the dashboard's first screen and tabs in chromium", () => {
  const env = useServerAndBrowser();

  test(
    "at 1366 × 768, after a completed saga, the diagram slot and the board are above the fold",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      await page.setViewportSize({ width: 1366, height: 768 });
      const done = await placeOrderThroughForm(page, { lines: [["mouse-pad", 2]], skipDemoDelays: true });
      await reservationCard(page, "CONFIRMED", done).waitFor({ timeout: UI_WAIT_MS });
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/dashboard-1366x768.png` });
      expect(
        await offScreen(page, { "the diagram slot": "#diagram-slot", "the board's columns": "#reservations-panel .column h3" }),
      ).toEqual(
        // The dashboard scrolls (below the fold are the bus, the orders and the knobs): only the first two parts are measured.
        [expect.stringContaining("the page scrolls")],
      );
      expect((await boxOf(page, `#reservations-panel [data-order-id="${done}"]`)).top).toBeLessThan(768);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the tabs work by keyboard, and a panel in the hidden tab still refreshes live",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const details = page.locator("#tabpanel-details");
      expect(await details.isHidden()).toBe(true);
      // Placed while the Details tab is hidden: its event log must show the order when the tab opens, with no reload.
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], skipDemoDelays: true });
      await until(
        async () => (await page.locator(`#events-panel li[data-order-id="${orderId}"][data-event-type="ORDER_COMPLETED"]`).count()) === 1,
        "the hidden event log to show the order's completion",
      );

      await page.focus("#tab-saga");
      await page.keyboard.press("ArrowRight");
      expect(await page.getAttribute("#tab-details", "aria-selected")).toBe("true");
      expect(await page.getAttribute("#tab-saga", "aria-selected")).toBe("false");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-details");
      expect(await details.isVisible()).toBe(true);
      expect(await page.locator("#tabpanel-saga").isHidden()).toBe(true);
      expect(await page.locator(`#events-panel li[data-order-id="${orderId}"]`).first().isVisible()).toBe(true);

      // Only the selected tab is in the Tab order; Home, End and the arrows wrap around.
      expect(await page.getAttribute("#tab-saga", "tabindex")).toBe("-1");
      await page.keyboard.press("ArrowRight");
      expect(await page.getAttribute("#tab-saga", "aria-selected")).toBe("true");
      await page.keyboard.press("End");
      expect(await page.getAttribute("#tab-details", "aria-selected")).toBe("true");
      await page.keyboard.press("Home");
      expect(await page.getAttribute("#tab-saga", "aria-selected")).toBe("true");
      expect(await details.isHidden()).toBe(true);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
