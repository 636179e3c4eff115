import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  placeOrderThroughForm,
  reservationCard,
  until,
  useServerAndBrowser,
} from "./harness";

/**
 * What a person would see as broken on a projector or a phone: text cut short or spilling out
 * of its box, boxes past the edge of the screen (outside a scrollable table), neighbours drawn
 * over each other, and text smaller than 14 px.
 */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("class") ? `.${el.getAttribute("class")!.trim().replace(/\s+/g, ".")}` : ""}`;
    const inScroller = (el: Element | null) => {
      for (let e = el; e; e = e.parentElement) {
        const overflow = getComputedStyle(e).overflowX;
        if (overflow === "auto" || overflow === "scroll") return true;
      }
      return false;
    };
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      if (el.closest(".visually-hidden")) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      if ((box.right > width + 1 || box.left < -1) && !inScroller(el.parentElement)) problems.push(`past the screen's edge: ${name(el)}`);
      const drawing = el.parentElement?.closest("svg");
      if (drawing) {
        // A drawing's part has no CSS box of its own: it is cut when it leaves the drawing.
        const frame = drawing.getBoundingClientRect();
        if (box.left < frame.left - 1 || box.right > frame.right + 1) problems.push(`past its drawing's edge: ${name(el)}`);
      } else if (
        style.display !== "inline" &&
        el.scrollWidth > el.clientWidth + 1 &&
        style.overflowX !== "auto" &&
        style.overflowX !== "scroll"
      ) {
        problems.push(`content wider than its box: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      }
      const children = Array.from(el.children)
        .map((child) => child.getBoundingClientRect())
        .filter((child) => child.width > 0 && child.height > 0);
      for (let i = 1; i < children.length; i += 1) {
        const [a, b] = [children[i - 1]!, children[i]!];
        const sameRow = a.top < b.bottom - 1 && b.top < a.bottom - 1;
        // A drawing's parts (an svg's lane, its label, an arrow's head) are meant to lie on each other.
        if (sameRow && a.left < b.left && a.right > b.left + 1 && !el.closest("svg")) problems.push(`neighbours overlap in ${name(el)}`);
      }
      const hasText = Array.from(el.childNodes).some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== "");
      if (hasText && parseFloat(style.fontSize) < 14) problems.push(`text under 14 px: ${name(el)} (${style.fontSize})`);
    }
    return [...new Set(problems)];
  });
}

const top = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().top);
const bottom = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().bottom);

describe.skipIf(!chromiumAvailable)("dashboard in chromium: projector and phone", () => {
  const env = useServerAndBrowser();

  /** A session with something in every column: a completed order, a failed payment, one in flight. */
  async function busyDashboard() {
    const dashboard = await openFreshDashboard(env.browser, env.server.baseUrl);
    const { page } = dashboard;
    await placeOrderThroughForm(page, { lines: [["mouse-pad", 5]], skipDemoDelays: true });
    const failed = await placeOrderThroughForm(page, {
      lines: [
        ["headset", 1],
        ["usb-c-hub", 2],
      ],
      paymentBehaviour: "failure",
      skipDemoDelays: true,
    });
    await reservationCard(page, "RELEASED", failed).waitFor({ timeout: 10_000 });
    const running = await placeOrderThroughForm(page, { lines: [["monitor", 1]] });
    // Held for its payment's demo delay (1.5 s); on a loaded machine it may be confirmed by the
    // time the page is read, and the columns are full either way.
    await reservationCard(page, "PENDING", running)
      .or(reservationCard(page, "CONFIRMED", running))
      .waitFor({ timeout: 10_000 });
    return dashboard;
  }

  test(
    "at 1024 × 768 the form, the diagram slot (the timeline) and the reservation board fit on the first screen, and nothing is cut",
    async () => {
      const { context, page, seen } = await busyDashboard();
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/dashboard-1024x768.png` });
      expect(await bottom(page, "#order-form")).toBeLessThanOrEqual(768);
      expect(await bottom(page, "#diagram-slot")).toBeLessThanOrEqual(768);
      // The board's columns and their first cards are on screen.
      expect(await top(page, "#reservations-panel .card >> nth=0")).toBeLessThanOrEqual(768 - 40);
      expect(await layoutProblems(page)).toEqual([]);
      expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(16);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the stage view at 1024 × 768 of the same busy session: nothing is cut, nothing past the edge",
    async () => {
      const { context, page, seen, sessionId } = await busyDashboard();
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(`${env.server.baseUrl}/?session=${encodeURIComponent(sessionId)}&view=stage`);
      await page.locator("#live[data-state=open]").waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/stage-busy-1024x768.png` });
      expect(await layoutProblems(page)).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "at 390 × 844 (a phone) nothing is cut or pushed past the edge",
    async () => {
      const { context, page, seen } = await busyDashboard();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/dashboard-390x844.png`, fullPage: true });
      expect(await layoutProblems(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "the projector toggle enlarges everything and is remembered by the browser",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      const normal = await fontSize();
      await page.click("#projector-toggle");
      await until(async () => (await fontSize()) > normal, "larger text");
      expect(await page.getAttribute("#projector-toggle", "aria-pressed")).toBe("true");
      await page.reload();
      await page.locator("#live[data-state=open]").waitFor({ timeout: 10_000 });
      expect(await fontSize()).toBeGreaterThan(normal);
      await page.click("#projector-toggle");
      await until(async () => (await fontSize()) === normal, "normal text again");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
