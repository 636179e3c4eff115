import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { createSagaServer } from "../../src/compose";
import type { StreamRegistry } from "../../src/live/event-stream";

/**
 * Browser tests drive Debian's chromium (apt-get install chromium) against the real server:
 * real timers, a real relay, a temp database, a free loopback port. Demo delays are short
 * but on, so a saga is still watched step by step.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// The payment delay is the window in which a test sees the PENDING states (reservation card,
// reserved units, payment row); 1.5 s keeps that window open on a busy shared CI machine.
export const demoDelays = { inventoryDelayMs: 300, paymentDelayMs: 1_500 };
/** Generous: the machine running CI is shared; each wait ends as soon as its condition holds. */
export const BROWSER_TEST_TIMEOUT_MS = 30_000;
export const UI_WAIT_MS = 10_000;

export const chromiumAvailable = existsSync(chromiumPath);
if (!chromiumAvailable) {
  const message = `chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`;
  // In CI a missing browser must fail the run, never pass it silently.
  if (process.env.CI) throw new Error(`${message}; browser tests cannot run`);
  console.warn(`Skipping browser tests: ${message}`);
}

/** Registers a real server and a chromium for the enclosing describe block; read them inside tests. */
/** How long starting (or closing) a server and a chromium may take. */
const HOOK_TIMEOUT_MS = 30_000;

export function useServerAndBrowser(options: ServerOptions = {}): { server: RunningServer; browser: Browser } {
  const env = {} as { server: RunningServer; browser: Browser };
  // A hook's default limit is 5 s; chromium's first launch on a fresh machine (cold caches) can take longer.
  beforeAll(async () => {
    env.server = startServer(options);
    env.browser = await launchBrowser();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  }, HOOK_TIMEOUT_MS);
  return env;
}

export interface RunningServer {
  baseUrl: string;
  streams: StreamRegistry;
  stop(): Promise<void>;
}

export interface ServerOptions {
  streams?: { perSession?: number; total?: number };
  /** Backoff after a failed delivery: base * 2^attempts (the server's default base is 1 s). */
  retryBaseMs?: number;
  teacherToken?: string;
}

export function startServer(options: ServerOptions = {}): RunningServer {
  const dir = mkdtempSync(join(tmpdir(), "saga-browser-"));
  const { app, relay, deps, streams } = createSagaServer({
    databasePath: join(dir, "saga.db"),
    config: demoDelays,
    relay: { log: () => {}, ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }) },
    streams: options.streams,
    teacherToken: options.teacherToken,
  });
  relay.start();
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 60 });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    streams,
    async stop() {
      relay.stop();
      await server.stop(true);
      deps.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** What a page did that it should not: script errors, CSP violations, dialogs (alert). */
export interface PageWatch {
  problems: string[];
  dialogs: string[];
}

export function watch(page: Page): PageWatch {
  const seen: PageWatch = { problems: [], dialogs: [] };
  page.on("pageerror", (error) => seen.problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content Security Policy/i.test(message.text())) seen.problems.push(`console: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

/**
 * Opens the dashboard as a first-time visitor, in a browser context of its own (its own
 * localStorage): a new session is made, seeded and put in the URL, and the live stream opens.
 */
export async function openFreshDashboard(browser: Browser, baseUrl: string, viewport = { width: 1440, height: 1200 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\?session=/, { timeout: UI_WAIT_MS });
  await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
  const sessionId = new URL(page.url()).searchParams.get("session")!;
  return { context, page, seen, sessionId };
}

/**
 * Watches the page for the end of the next htmx request to `url` (resolved against the page)
 * begun once `after` arrives on the page's event stream (a message name), or at once. htmx fires
 * `htmx:finally:request` whether the request was swapped in, refused by the browser or dropped
 * (a declined hx-confirm), after any swap. `ended()` waits for it and answers htmx's status for
 * the request ("swapped", "error: …", or "issuing" when it never went out): the positive signal a
 * test waits for before it asserts that the request changed nothing.
 */
export async function watchHtmxRequest(page: Page, url: string, after?: string) {
  const key = `${url} after ${after ?? "now"} #${Math.random()}`;
  await page.evaluate(
    ({ key, url, after }) => {
      type Ctx = { status?: unknown; request: { action: string } };
      const page = window as unknown as { htmxRequestsEnded?: Record<string, string> };
      page.htmxRequestsEnded ??= {};
      const ended = page.htmxRequestsEnded;
      const wanted = new URL(url, location.href);
      const ctxOf = (event: Event) => (event as CustomEvent<{ ctx?: Ctx }>).detail?.ctx;
      const isWanted = (ctx: Ctx) => {
        const action = new URL(ctx.request.action, location.href);
        return action.origin === wanted.origin && action.pathname === wanted.pathname;
      };
      let armed = after === undefined;
      // In the capture phase, so it runs before htmx's own listener on #live begins the refresh.
      if (after !== undefined) document.addEventListener(after, () => (armed = true), { capture: true, once: true });
      const begun = new WeakSet<Ctx>();
      // Both in the capture phase: the document hears them before a swap can detach the element.
      document.addEventListener(
        "htmx:config:request",
        (event) => {
          const ctx = ctxOf(event);
          if (armed && ctx && isWanted(ctx)) begun.add(ctx);
        },
        { capture: true },
      );
      document.addEventListener(
        "htmx:finally:request",
        (event) => {
          const ctx = ctxOf(event);
          if (ctx && begun.has(ctx) && !(key in ended)) ended[key] = String(ctx.status);
        },
        { capture: true },
      );
    },
    { key, url, after },
  );
  return {
    ended: async (): Promise<string> => {
      const status = await page.waitForFunction(
        (key) => (window as unknown as { htmxRequestsEnded?: Record<string, string> }).htmxRequestsEnded?.[key],
        key,
        { timeout: UI_WAIT_MS },
      );
      return String(await status.jsonValue());
    },
  };
}

/** Polls until `probe` holds (every 25 ms, at most UI_WAIT_MS); the error names what never happened. */
export async function until(probe: () => Promise<boolean>, what: string, timeoutMs = UI_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await Bun.sleep(25);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

export const waitForCount = (locator: Locator, count: number) =>
  until(async () => (await locator.count()) === count, `${count} × ${locator}`);

export const waitForText = (locator: Locator, text: string) =>
  until(async () => (await locator.count()) > 0 && (await locator.first().innerText()).trim() === text, `${locator} to read "${text}"`);

export const waitForAttribute = (locator: Locator, name: string, value: string) =>
  until(
    async () => (await locator.count()) > 0 && (await locator.first().getAttribute(name)) === value,
    `${locator} to have ${name}="${value}"`,
  );

export async function textsOf(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((t) => t.trim());
}

export interface OrderChoice {
  lines: [product: string, quantity: number][];
  /** `""`: per the knobs (the order asks for no behaviour). */
  paymentBehaviour?: "success" | "failure" | "random" | "";
  skipDemoDelays?: boolean;
  /** Absent: the form's default, the session's setting. */
  sagaStyle?: "choreography" | "orchestration" | "rpc";
}

/** Fills the order form the way a person would and returns the id of the order it placed. */
export async function placeOrderThroughForm(page: Page, order: OrderChoice): Promise<string> {
  for (let i = 0; i < 3; i += 1) {
    const [product, quantity] = order.lines[i] ?? ["", 0];
    await page.selectOption(`#order-form select[data-line="${i + 1}"]`, product);
    await page.fill(`#order-form input[data-line="${i + 1}"]`, product ? String(quantity) : "");
  }
  await page.selectOption('#order-form select[name="paymentBehaviour"]', order.paymentBehaviour ?? "success");
  await page.setChecked('#order-form input[name="skipDemoDelays"]', order.skipDemoDelays ?? false);
  if (order.sagaStyle) await page.selectOption('#order-form select[name="sagaStyle"]', order.sagaStyle);
  const confirmation = page.locator("#order-form .form-ok");
  const previous = (await confirmation.count()) > 0 ? await confirmation.getAttribute("data-order-id") : null;
  await page.click("#order-form button[type=submit]");
  let id: string | null = null;
  await until(async () => {
    id = (await confirmation.count()) > 0 ? await confirmation.getAttribute("data-order-id") : null;
    return id !== null && id !== previous;
  }, "the form to report a new order");
  return id!;
}

export const reservationCard = (page: Page, column: "PENDING" | "CONFIRMED" | "RELEASED", orderId: string) =>
  page.locator(`#reservations-panel [data-column="${column}"] [data-order-id="${orderId}"]`);

export const orderRow = (page: Page, orderId: string) => page.locator(`#orders-panel tr[data-order-id="${orderId}"]`);

/** The order's status as the orders panel shows it now, or null while its row is not there. */
export const statusOf = (page: Page, orderId: string) =>
  orderRow(page, orderId)
    .getAttribute("data-status")
    .catch(() => null);
export const paymentRow = (page: Page, orderId: string) => page.locator(`#payments-panel tr[data-order-id="${orderId}"]`);

/**
 * Opens one of the dashboard's tabs ("saga": the form, the diagram slot, the board, the bus…;
 * "details": payments, shipments, stats, the inbox, invariants, the race, the event log, curl),
 * as a person would: by clicking it. The other tab's panels stay in the page, hidden.
 */
export async function showTab(page: Page, tab: "saga" | "details"): Promise<void> {
  await page.click(`#tab-${tab}`);
  await page.locator(`#tabpanel-${tab}`).waitFor({ state: "visible", timeout: UI_WAIT_MS });
}
