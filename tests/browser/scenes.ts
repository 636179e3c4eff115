import type { Page } from "playwright-core";
import { openFreshDashboard, placeOrderThroughForm, reservationCard, statusOf, UI_WAIT_MS, until } from "./harness";

/** A test that builds dashboardWithEveryBadge (four sagas, one through five failed attempts) on a shared, busy machine. */
export const SCENE_TEST_TIMEOUT_MS = 60_000;

/** Changes the session's settings through the API (`PATCH /settings`), as a teacher's script would. */
export async function patchSettings(page: Page, baseUrl: string, settings: Record<string, unknown>) {
  const sessionId = new URL(page.url()).searchParams.get("session")!;
  const answer = await page.request.patch(`${baseUrl}/settings`, { headers: { "x-session-id": sessionId }, data: settings });
  if (!answer.ok()) throw new Error(`PATCH /settings answered ${answer.status()}: ${await answer.text()}`);
}

/**
 * A dashboard with every kind of badge and row on it: a completed saga, a declined payment
 * (cancelled, refunded nothing), a stuck saga (its reservation dead-lettered) and, in step mode,
 * a running one whose next delivery is held (a Deliver button in the bus panel). Needs a server
 * whose retries are quick (`retryBaseMs: 100`), so the dead letter comes in under two seconds.
 */
export async function dashboardWithEveryBadge(browser: Parameters<typeof openFreshDashboard>[0], baseUrl: string) {
  const dashboard = await openFreshDashboard(browser, baseUrl);
  const { page } = dashboard;
  const completed = await placeOrderThroughForm(page, { lines: [["mouse-pad", 2]], skipDemoDelays: true });
  await until(async () => (await statusOf(page, completed)) === "COMPLETED", "the first saga to complete");
  const declined = await placeOrderThroughForm(page, { lines: [["headset", 1]], paymentBehaviour: "failure", skipDemoDelays: true });
  await reservationCard(page, "RELEASED", declined).waitFor({ timeout: UI_WAIT_MS });

  await patchSettings(page, baseUrl, { reactionFaultRate: 1 });
  const stuck = await placeOrderThroughForm(page, { lines: [["mouse", 1]], skipDemoDelays: true });
  await page.locator(`#sagas-panel tr[data-order-id="${stuck}"][data-saga-status="stuck"]`).waitFor({ timeout: UI_WAIT_MS });
  await patchSettings(page, baseUrl, { reactionFaultRate: 0, stepMode: true });

  const held = await placeOrderThroughForm(page, { lines: [["monitor", 1]], skipDemoDelays: true });
  await page.locator('#bus-panel tr[data-held="true"] button.deliver').first().waitFor({ timeout: UI_WAIT_MS });
  await page.locator(`#sagas-panel tr[data-order-id="${held}"][data-saga-status="running"]`).waitFor({ timeout: UI_WAIT_MS });
  // The timeline follows the newest order: pin it on the completed one, whose deliveries all carry an outcome.
  await page.locator(`#orders-panel tr[data-order-id="${completed}"] button.link`).click();
  await page.locator(`#timeline-panel .timeline-order[data-order-id="${completed}"]`).waitFor({ timeout: UI_WAIT_MS });
  return { ...dashboard, orders: { completed, declined, stuck, held } };
}

/** Turns Projector mode on (the header's toggle) and waits for the larger text. */
export async function projectorOn(page: Page) {
  if ((await page.getAttribute("#projector-toggle", "aria-pressed")) === "true") return;
  await page.click("#projector-toggle");
  await until(async () => (await page.getAttribute("#projector-toggle", "aria-pressed")) === "true", "Projector mode on");
}
