import { describe, expect, test } from "bun:test";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromiumAvailable, UI_WAIT_MS, useServerAndBrowser, watch } from "./harness";
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
 * The pages the room sees, each opened in a state with something on it. A new page (the stage
 * view, `?view=stage`) is one more entry here.
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
});
