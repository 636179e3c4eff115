import { describe, expect, test } from "bun:test";
import {
  BROWSER_TEST_TIMEOUT_MS,
  UI_WAIT_MS,
  chromiumAvailable,
  orderRow,
  placeOrderThroughForm,
  until,
  waitForAttribute,
  watch,
  useServerAndBrowser,
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
      const title = await page.title();
      await page.click("#evil-on");
      await page.click("#evil-get");
      // Give htmx every chance to act, then check it did not.
      await until(async () => (await page.locator("#evil-get").innerText()) === "get", "the cross-origin button to stay as it was");
      await Bun.sleep(300);
      expect(await page.title()).toBe(title);
      expect(finished.filter((url) => url.startsWith(otherOrigin))).toEqual([]);
      expect(await page.locator("#evil-get").innerText()).toBe("get");
      expect(seen.dialogs).toEqual([]);
      await context.close();
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
