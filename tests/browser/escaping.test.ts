import { describe, expect, test } from "bun:test";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  orderRow,
  placeOrderThroughForm,
  UI_WAIT_MS,
  useServerAndBrowser,
  waitForAttribute,
  watch,
  watchHtmxRequest,
} from "./harness";

const evilName = "<img src=x onerror=alert(1)>";

describe.skipIf(!chromiumAvailable)("dashboard in chromium: nothing a user typed runs", () => {
  const env = useServerAndBrowser();

  async function openSeededWithEvilProduct(sessionId: string) {
    const seeded = await fetch(`${env.server.baseUrl}/inventory/seed`, {
      method: "POST",
      headers: { "x-session-id": sessionId, "content-type": "application/json" },
      body: JSON.stringify({ products: [{ id: "evil", name: evilName, stock_level: 10, price_cents: 100 }] }),
    });
    expect(seeded.status).toBe(200);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const seen = watch(page);
    const response = await page.goto(`${env.server.baseUrl}/?session=${sessionId}`);
    await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
    return { context, page, seen, response: response! };
  }

  test(
    "a product named <img src=x onerror=alert(1)> renders as text and runs nothing",
    async () => {
      const { context, page, seen, response } = await openSeededWithEvilProduct("xss-session");
      expect(response.headers()["content-security-policy"]).toContain("script-src 'self'");

      expect(await page.locator('#inventory-panel tr[data-product-id="evil"] .product-name').innerText()).toBe(evilName);
      expect(await page.locator("img").count()).toBe(0);
      // Through a whole saga too: the name travels into every panel that re-renders.
      const orderId = await placeOrderThroughForm(page, { lines: [["evil", 2]], skipDemoDelays: true });
      await waitForAttribute(orderRow(page, orderId), "data-status", "COMPLETED");
      expect(await page.locator("#order-form select[data-line='1'] option[value='evil']").innerText()).toContain(evilName);
      expect(await page.locator("img").count()).toBe(0);
      expect(seen.dialogs).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  test(
    "htmx on this page can neither evaluate code nor call another origin, even from markup that slipped in",
    async () => {
      const { context, page, seen } = await openSeededWithEvilProduct("lockdown-session");
      const otherOrigin = env.server.baseUrl.replace("127.0.0.1", "localhost");
      const finished: string[] = [];
      page.on("requestfinished", (request) => finished.push(request.url()));
      // Simulates an injection that got past escaping: attributes htmx would act on.
      await page.evaluate((other) => {
        const box = document.createElement("div");
        box.innerHTML = `<button id="evil-on" hx-on:click="document.title='pwned'">on</button><button id="evil-get" hx-get="${other}/dashboard/orders" hx-target="#evil-get">get</button>`;
        document.body.append(box);
        (window as unknown as { htmx: { process(el: Element): void } }).htmx.process(box);
      }, otherOrigin);
      const issued: string[] = [];
      page.on("request", (request) => issued.push(request.url()));
      // Our own click listener, added after htmx processed the button: listeners run in the order
      // they were added, so when ours has run, whatever htmx attached to the click has run too.
      await page.evaluate(() => {
        document.getElementById("evil-on")?.addEventListener("click", (event) => {
          (event.currentTarget as HTMLElement).dataset.clicked = "yes";
        });
      });
      const crossOrigin = await watchHtmxRequest(page, `${otherOrigin}/dashboard/orders`);
      const title = await page.title();
      await page.click("#evil-on");
      await page.click("#evil-get");
      // Wait until htmx has acted on each click, then check that it did nothing.
      await page.locator("#evil-on[data-clicked=yes]").waitFor({ timeout: UI_WAIT_MS });
      expect(await crossOrigin.ended()).toStartWith("error:");
      expect(await page.title()).toBe(title);
      expect(issued.filter((url) => url.startsWith(otherOrigin))).toEqual([]);
      expect(finished.filter((url) => url.startsWith(otherOrigin))).toEqual([]);
      expect(await page.locator("#evil-get").innerText()).toBe("get");
      expect(seen.dialogs).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
