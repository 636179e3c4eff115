import { describe, expect, test } from "bun:test";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
  watch,
} from "./harness";
import { dashboardWithEveryBadge, projectorOn, SCENE_TEST_TIMEOUT_MS } from "./scenes";

const TOKEN = "axe-the-teacher-page";

/** WCAG 2.0 and 2.1, levels A and AA: what the workshop promises (docs/workshop.md). */
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** axe's violations that keep someone out (serious or critical), one line per element, to print when failing. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map((node) => `${v.id} (${v.impact}) at ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`),
    );
}

interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/**
 * The pages the room sees, each opened in a state with something on it; a new page is one more
 * entry here.
 */
const pages: { name: string; open(browser: Browser, baseUrl: string): Promise<Opened> }[] = [
  {
    name: "the dashboard after a completed, a declined, a stuck and a held saga",
    async open(browser, baseUrl) {
      const { context, page, seen } = await dashboardWithEveryBadge(browser, baseUrl);
      return { context, page, problems: seen.problems };
    },
  },
  {
    name: "the same dashboard in Projector mode",
    async open(browser, baseUrl) {
      const { context, page, seen } = await dashboardWithEveryBadge(browser, baseUrl);
      await projectorOn(page);
      return { context, page, problems: seen.problems };
    },
  },
  {
    name: "the same dashboard's Details tab (payments, stats, inbox, invariants, race, event log, curl)",
    async open(browser, baseUrl) {
      const { context, page, seen } = await dashboardWithEveryBadge(browser, baseUrl);
      await showTab(page, "details");
      return { context, page, problems: seen.problems };
    },
  },
  {
    name: "the stage view of that session",
    async open(browser, baseUrl) {
      const { context, page, seen } = await dashboardWithEveryBadge(browser, baseUrl);
      const url = new URL(page.url());
      url.searchParams.set("view", "stage");
      await page.goto(url.toString());
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      await page.locator(".stage-view #diagram-slot").waitFor({ timeout: UI_WAIT_MS });
      return { context, page, problems: seen.problems };
    },
  },
  {
    name: "the teacher's overview with a session on it",
    async open(browser, baseUrl) {
      await fetch(`${baseUrl}/inventory/seed`, { method: "POST", headers: { "x-session-id": "axe-class" } });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const seen = watch(page);
      await page.goto(`${baseUrl}/teacher?token=${TOKEN}`);
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      await page.locator('#sessions-panel tr[data-session="axe-class"][data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
      return { context, page, problems: seen.problems };
    },
  },
];

/**
 * Every control a mouse can use, numbered; then Tab from the top of the page until the focus
 * comes round again: the controls it never reached and those it reached without a focus ring.
 * "interrupted" when htmx swapped something in meanwhile (the walk saw controls no longer there).
 */
async function tabRound(page: Page): Promise<"interrupted" | { controls: string[]; missed: string[]; withoutRing: string[] }> {
  const controls = await page.evaluate(() => {
    const marked = window as unknown as { swapsDuringWalk?: number };
    if (marked.swapsDuringWalk === undefined) document.body.addEventListener("htmx:after:swap", () => (marked.swapsDuringWalk! += 1));
    marked.swapsDuringWalk = 0;
    (document.activeElement as HTMLElement | null)?.blur();
    const all = Array.from(document.querySelectorAll<HTMLElement>("a[href], button, input, select, textarea, summary, [tabindex]"));
    // What a closed <details> holds is out of reach until it is opened (its summary is not).
    const folded = (el: HTMLElement) => el.closest("details:not([open])") !== null && el.closest("summary") === null;
    const usable = all.filter(
      (el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && !folded(el),
    );
    for (const [i, el] of usable.entries()) el.setAttribute("data-tab-probe", String(i));
    return usable.map(
      (el) =>
        `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} ${(el.getAttribute("name") ?? el.textContent ?? "").trim().slice(0, 30)}`,
    );
  });
  const reached = new Set<number>();
  const withoutRing: string[] = [];
  for (let press = 0; press < controls.length * 2; press += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        probe: el.getAttribute("data-tab-probe"),
        ring: el.matches(":focus-visible") && style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2,
      };
    });
    if (focused?.probe == null) continue;
    const index = Number(focused.probe);
    if (reached.has(index)) break; // round again
    reached.add(index);
    if (!focused.ring) withoutRing.push(controls[index]!);
  }
  const swaps = await page.evaluate(() => (window as unknown as { swapsDuringWalk: number }).swapsDuringWalk);
  if (swaps > 0) return "interrupted";
  return { controls, missed: controls.filter((_, i) => !reached.has(i)), withoutRing };
}

describe.skipIf(!chromiumAvailable)("accessibility in chromium: axe-core finds no serious or critical WCAG 2.1 AA violation", () => {
  const env = useServerAndBrowser({ retryBaseMs: 100, teacherToken: TOKEN });

  for (const { name, open } of pages) {
    test(
      name,
      async () => {
        const { context, page, problems } = await open(env.browser, env.server.baseUrl);
        const violations = await seriousViolations(page);
        if (violations.length > 0) console.error(`axe on ${name}:\n${violations.join("\n")}`);
        expect(violations).toEqual([]);
        expect(problems).toEqual([]);
        await context.close();
      },
      SCENE_TEST_TIMEOUT_MS,
    );
  }

  test(
    "with the keyboard alone every control is reached by Tab, shows a focus ring, and works",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const orderId = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], skipDemoDelays: true });
      await until(async () => (await statusOf(page, orderId)) === "COMPLETED", "the saga to complete");
      await page.locator(`#timeline-panel .timeline-order[data-order-id="${orderId}"]`).waitFor({ timeout: UI_WAIT_MS });
      // A live refresh replaces a panel's controls under the walk: a round during which one came is walked again.
      let round = await tabRound(page);
      for (let again = 0; round === "interrupted" && again < 5; again += 1) round = await tabRound(page);
      if (round === "interrupted") throw new Error("every Tab round was interrupted by a live refresh");
      expect(round.controls.length).toBeGreaterThan(30);
      expect(round.missed).toEqual([]);
      expect(round.withoutRing).toEqual([]);

      // Enter on an order's id pins the timeline on it; Space presses Projector; an arrow key moves a knob.
      await page.locator(`#orders-panel tr[data-order-id="${orderId}"] button.link`).focus();
      await page.keyboard.press("Enter");
      await page.locator("#timeline-panel .follow-toggle[data-following=false]").waitFor({ timeout: UI_WAIT_MS });
      await page.locator("#projector-toggle").focus();
      await page.keyboard.press("Space");
      await until(async () => (await page.getAttribute("#projector-toggle", "aria-pressed")) === "true", "Projector on from the keyboard");
      await page.locator('#knobs-form input[name="paymentFailureRate"]').focus();
      await page.keyboard.press("ArrowRight");
      await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]', { hasText: "5%" }).waitFor({ timeout: UI_WAIT_MS });
      // The knobs panel was replaced by the answer: the focus is back on the same knob, so the next key moves it again.
      await page.keyboard.press("ArrowRight");
      await page.locator('#knobs-panel output[data-percent-of="paymentFailureRate"]', { hasText: "10%" }).waitFor({ timeout: UI_WAIT_MS });
      // The next key at once, while 10 % may still be posting: the session ends on 5 %, and so does the panel.
      await page.keyboard.press("ArrowLeft");
      await until(async () => {
        const answer = await page.request.get(`${env.server.baseUrl}/settings`, { headers: { "x-session-id": sessionId } });
        return (await answer.json()).paymentFailureRate === 0.05;
      }, "the session to have 5 %");
      await page.locator('#knobs-form input[name="paymentFailureRate"][value="0.05"]').waitFor({ timeout: UI_WAIT_MS });
      // Step mode on with Enter, then the next order stepped through with Enter on Step, again and again.
      await page.locator("#bus-panel .step-mode").focus();
      await page.keyboard.press("Enter");
      await page.locator('#bus-panel .step-mode[data-step-mode="true"]').waitFor({ timeout: UI_WAIT_MS });
      const stepped = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "success", skipDemoDelays: true });
      await page.locator("#bus-panel button.step-next:not([disabled])").focus();
      await until(async () => {
        if ((await statusOf(page, stepped)) === "COMPLETED") return true;
        const onStep = await page.evaluate(() => document.activeElement?.classList.contains("step-next") ?? false);
        if (onStep && (await page.locator("#bus-panel button.step-next:not([disabled])").count()) === 1) await page.keyboard.press("Enter");
        return false;
      }, "the order stepped to COMPLETED with Enter alone");
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
