/**
 * `npm run screenshot`: writes docs/dashboard.png, the README's picture of a saga mid-flight,
 * and docs/stage.png, the projector's stage view. Starts the real server on a temp database,
 * drives the dashboard in Debian's chromium into a state that shows every column (an
 * out-of-stock order, a payment failure, a completed order and one whose payment is still
 * PENDING) and takes a full-page screenshot; then, once that last saga has completed, opens the
 * same session's stage view at 1024 × 768 and takes the screen. Last, in a session of its own at
 * 1024 wide, it plays the five sagas of tests/browser/saga-scenes.ts and writes the sequence
 * diagram of each, once it draws the whole delivery log, to docs/diagram-<saga>.png.
 */
import { join } from "node:path";
import type { Locator } from "playwright-core";
import {
  chromiumAvailable,
  chromiumPath,
  launchBrowser,
  openFreshDashboard,
  orderRow,
  paymentRow,
  placeOrderThroughForm,
  reservationCard,
  startServer,
  UI_WAIT_MS,
  waitForAttribute,
  watch,
} from "../tests/browser/harness";
import { apiOf, type SagaScene, sagaScenes, sequenceDiagram, untilDiagramDrawsLog } from "../tests/browser/saga-scenes";

/**
 * At 1024 wide the dashboard's diagram scrolls: sideways in its .sd-scroll, down in the slot
 * (50vh). A screenshot of the svg is clipped to what those boxes show, so their clipping is
 * lifted first, and the svg given its panel's background where it overflows the panel (through
 * the CSSOM, which the page's CSP allows; the next redraw undoes it).
 */
const showWhole = (svg: Locator) =>
  svg.evaluate((el) => {
    for (let box = el.parentElement; box !== null && box.id !== "diagram-panel"; box = box.parentElement) box.style.overflow = "visible";
    const slot = el.closest<HTMLElement>("#diagram-slot");
    if (slot) Object.assign(slot.style, { maxHeight: "none", overflow: "visible" });
    const panel = el.closest("#diagram-panel");
    if (panel) el.style.background = getComputedStyle(panel).backgroundColor;
  });

if (!chromiumAvailable) {
  console.error(`chromium not found at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}

const docs = join(import.meta.dir, "..", "docs");
// Quick retries: the dead-lettered saga's five attempts take well under a second.
const server = startServer({ retryBaseMs: 50 });
const out = join(docs, "dashboard.png");
const stageOut = join(docs, "stage.png");
const browser = await launchBrowser();
try {
  const { context, page, seen, sessionId } = await openFreshDashboard(browser, server.baseUrl);
  const depleted = await placeOrderThroughForm(page, { lines: [["laptop", 9]], skipDemoDelays: true });
  await waitForAttribute(orderRow(page, depleted), "data-status", "CANCELLED");
  const failed = await placeOrderThroughForm(page, {
    lines: [
      ["headset", 1],
      ["mouse", 2],
    ],
    paymentBehaviour: "failure",
    skipDemoDelays: true,
  });
  await reservationCard(page, "RELEASED", failed).waitFor({ timeout: UI_WAIT_MS });
  const paid = await placeOrderThroughForm(page, {
    lines: [
      ["monitor", 1],
      ["keyboard", 1],
    ],
    skipDemoDelays: true,
  });
  await reservationCard(page, "CONFIRMED", paid).waitFor({ timeout: UI_WAIT_MS });
  const running = await placeOrderThroughForm(page, {
    lines: [
      ["mouse-pad", 5],
      ["usb-c-hub", 2],
    ],
  });
  await reservationCard(page, "PENDING", running).waitFor({ timeout: UI_WAIT_MS });
  await waitForAttribute(paymentRow(page, running), "data-status", "PENDING");
  await page.screenshot({ path: out, fullPage: true });
  if (seen.problems.length > 0) throw new Error(`the page reported problems: ${seen.problems.join("; ")}`);
  console.log(`wrote ${out}`);

  // The stage view after a completed saga: the one still running, followed to its end.
  await reservationCard(page, "CONFIRMED", running).waitFor({ timeout: 20_000 });
  await context.close();
  const stageContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const stage = await stageContext.newPage();
  const stageSeen = watch(stage);
  await stage.goto(`${server.baseUrl}/?session=${encodeURIComponent(sessionId)}&view=stage`);
  await stage.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
  await waitForAttribute(stage.locator("#timeline-panel .timeline-order"), "data-order-id", running);
  await stage.screenshot({ path: stageOut });
  if (stageSeen.problems.length > 0) throw new Error(`the stage view reported problems: ${stageSeen.problems.join("; ")}`);
  await stageContext.close();
  console.log(`wrote ${stageOut}`);

  const diagrams = await openFreshDashboard(browser, server.baseUrl, { width: 1024, height: 768 });
  const api = apiOf(diagrams.page, server.baseUrl, diagrams.sessionId);
  for (const scene of Object.keys(sagaScenes) as SagaScene[]) {
    // The page follows the newest order: each scene's diagram replaces the one before.
    const orderId = await sagaScenes[scene](api);
    await untilDiagramDrawsLog(diagrams.page, api, orderId);
    const diagramOut = join(docs, `diagram-${scene}.png`);
    await showWhole(sequenceDiagram(diagrams.page));
    // caret "initial": hiding the caret injects a <style> the page's CSP (style-src 'self') refuses.
    await sequenceDiagram(diagrams.page).screenshot({ path: diagramOut, caret: "initial" });
    console.log(`wrote ${diagramOut}`);
  }
  if (diagrams.seen.problems.length > 0) throw new Error(`the diagrams' page reported problems: ${diagrams.seen.problems.join("; ")}`);
  await diagrams.context.close();
} finally {
  await browser.close();
  await server.stop();
}
