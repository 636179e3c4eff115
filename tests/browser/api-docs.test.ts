import { describe, expect, test } from "bun:test";
import { BROWSER_TEST_TIMEOUT_MS, chromiumAvailable, openFreshDashboard, UI_WAIT_MS, until, useServerAndBrowser, watch } from "./harness";

describe.skipIf(!chromiumAvailable)("the API reference in chromium", () => {
  const env = useServerAndBrowser();

  test(
    "/docs works offline under its CSP: it lists the routes, and Try it out sends the session header and shows the answer",
    async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
      const page = await context.newPage();
      const seen = watch(page);
      // Offline: any request that leaves this server fails the test.
      const elsewhere: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith(env.server.baseUrl) && !request.url().startsWith("data:")) elsewhere.push(request.url());
      });
      await page.goto(`${env.server.baseUrl}/docs?session=docs-reader`);
      const seed = page.locator("#operations-inventory-postInventorySeed");
      await seed.waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator(".opblock").count()).toBeGreaterThan(30);

      await seed.locator(".opblock-summary").click();
      // The reference opens every operation ready to try (tryItOutEnabled).
      await seed.locator("textarea.body-param__text").waitFor({ timeout: UI_WAIT_MS });
      await seed.locator("textarea.body-param__text").fill("{}");
      await seed.locator("button.execute").click();
      // Swagger UI shows the live answer under "Server response": its status, then its body.
      await until(async () => /Server response\s+Code\s+Details\s+200\b/.test(await seed.innerText()), "the seed's answer to show 200");
      expect(await seed.innerText()).toContain('"message": "Inventory seeded successfully"');

      // The request carried the session given in the page's address: the session now has the catalog.
      const products = await fetch(`${env.server.baseUrl}/inventory`, { headers: { "x-session-id": "docs-reader" } });
      expect(((await products.json()) as unknown[]).length).toBe(7);
      expect(seen.problems).toEqual([]);
      expect(elsewhere).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
  test(
    "/docs opened without ?session= tries things in the session the dashboard keeps in this browser",
    async () => {
      const { context, page, seen, sessionId } = await openFreshDashboard(env.browser, env.server.baseUrl);
      const sent: (string | undefined)[] = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/inventory/stats") sent.push(request.headers()["x-session-id"]);
      });
      // Typed by hand, as from a bookmark: no ?session= in the address.
      await page.goto(`${env.server.baseUrl}/docs`);
      const stats = page.locator("#operations-inventory-getInventoryStats");
      await stats.waitFor({ timeout: UI_WAIT_MS });
      await stats.locator(".opblock-summary").click();
      await stats.locator("button.execute").click();
      await until(async () => /Server response\s+Code\s+Details\s+200\b/.test(await stats.innerText()), "the stats' answer to show 200");
      expect(sent).toEqual([sessionId]);
      // The dashboard's first visit seeded its session: the answer is that session's catalog.
      expect(await stats.innerText()).toContain('"total_stock": 235');
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
