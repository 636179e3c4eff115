/**
 * `npm run screenshot`: writes docs/dashboard.png, the README's picture of a saga mid-flight,
 * and docs/stage.png, the projector's stage view. Starts the real server on a temp database,
 * drives the dashboard in Debian's chromium into a state that shows every column (an
 * out-of-stock order, a payment failure, a completed order and one whose payment is still
 * PENDING) and takes a full-page screenshot; then, once that last saga has completed, opens the
 * same session's stage view at 1024 × 768 and takes the screen.
 */
import { join } from "node:path";
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

if (!chromiumAvailable) {
  console.error(`chromium not found at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}

const out = join(import.meta.dir, "..", "docs", "dashboard.png");
const stageOut = join(import.meta.dir, "..", "docs", "stage.png");
const server = startServer();
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
} finally {
  await browser.close();
  await server.stop();
}
