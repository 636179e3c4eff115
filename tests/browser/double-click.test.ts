import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, until, useServerAndBrowser } from "./harness";

/**
 * In a workshop about idempotency, a double click on Place order places one order: the form
 * carries one Idempotency-Key per render and its button is disabled while the request is out.
 */
describe.skipIf(!chromiumAvailable)("dashboard in chromium: a double click on Place order", () => {
  const env = useServerAndBrowser();

  async function ordersOf(sessionId: string): Promise<unknown[]> {
    const res = await fetch(`${env.server.baseUrl}/orders`, { headers: { "x-session-id": sessionId } });
    return (await res.json()) as unknown[];
  }

  /** Counts the form's POSTs sent and answered, so a test can wait for every click's answer. */
  function countPosts(page: Page) {
    const posts = { sent: 0, answered: 0 };
    const isOrderPost = (url: string, method: string) => method === "POST" && new URL(url).pathname === "/dashboard/orders";
    page.on("request", (r) => {
      if (isOrderPost(r.url(), r.method())) posts.sent += 1;
    });
    page.on("requestfinished", (r) => {
      if (isOrderPost(r.url(), r.method())) posts.answered += 1;
    });
    return posts;
  }

  /** Every click is answered: a confirmation is shown, each POST has its answer, the button is enabled again. */
  async function settled(page: Page, posts: { sent: number; answered: number }) {
    await until(
      async () =>
        (await page.locator("#order-form .form-ok").count()) > 0 &&
        posts.sent > 0 &&
        posts.answered === posts.sent &&
        (await page.locator("#order-form button[type=submit]:disabled").count()) === 0,
      "every click on Place order to be answered",
    );
  }

  for (const how of ["dblclick", "two rapid clicks"] as const) {
    test(
      `${how} places exactly one order, and the page shows one`,
      async () => {
        const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
        await page.setChecked('#order-form input[name="skipDemoDelays"]', true);
        const posts = countPosts(page);
        const button = page.locator("#order-form button[type=submit]");
        if (how === "dblclick") await button.dblclick();
        // Two clicks in one task, before any answer can arrive.
        else await button.evaluate((b: HTMLButtonElement) => [b.click(), b.click()]);
        await settled(page, posts);
        expect(await ordersOf(sessionId)).toHaveLength(1);
        await until(
          async () => (await page.locator("#orders-panel tr[data-order-id]").count()) === 1,
          "the orders panel to list the order",
        );
        expect(await page.locator("#orders-panel tr[data-order-id]").count()).toBe(1);
        expect(seen.problems).toEqual([]);
        await context.close();
      },
      BROWSER_TEST_TIMEOUT_MS,
    );
  }
});
