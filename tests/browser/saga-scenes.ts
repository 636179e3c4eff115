import type { Page } from "playwright-core";
import { until } from "./harness";

/**
 * The five sagas the diagram is checked against (tests/browser/saga-picture.test.ts) and drawn
 * for the workshop guide (scripts/screenshot.ts): each placed through the API of a session the
 * page has open, and finished as far as its log goes before it is returned.
 */

/** The session's API as the page's own browser calls it (`x-session-id`, JSON). */
export type Api = (method: string, path: string, body?: unknown) => Promise<{ status(): number; json(): Promise<unknown> }>;

export function apiOf(page: Page, baseUrl: string, sessionId: string): Api {
  return (method, path, body) =>
    page.request.fetch(`${baseUrl}${path}`, {
      method,
      headers: { "x-session-id": sessionId, "content-type": "application/json" },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
}

export interface LoggedDelivery {
  eventSeq: number;
  eventType: string;
  reaction: string;
  outcome: string;
}

export const deliveryLog = async (api: Api, orderId: string) =>
  (await (await api("GET", `/orders/${orderId}/deliveries`)).json()) as LoggedDelivery[];

const statusOf = async (api: Api, orderId: string) =>
  ((await (await api("GET", `/orders/${orderId}`)).json()) as { status: string }).status;

type Lines = [product: string, quantity: number][];

async function place(api: Api, items: Lines, extra: Record<string, unknown> = {}) {
  const answer = await api("POST", "/orders", {
    items: items.map(([product, quantity]) => ({ product, quantity })),
    skipDemoDelays: true,
    ...extra,
  });
  if (answer.status() >= 300) throw new Error(`POST /orders answered ${answer.status()}: ${JSON.stringify(await answer.json())}`);
  return ((await answer.json()) as { id: string }).id;
}

async function placeAndEnd(api: Api, status: "COMPLETED" | "CANCELLED", items: Lines, extra: Record<string, unknown> = {}) {
  const id = await place(api, items, extra);
  await until(async () => (await statusOf(api, id)) === status, `order ${id} to read ${status}`);
  return id;
}

async function patchSettings(api: Api, settings: Record<string, unknown>) {
  const answer = await api("PATCH", "/settings", settings);
  if (answer.status() !== 200) throw new Error(`PATCH /settings answered ${answer.status()}`);
}

/**
 * Each scene's order id once its saga is over. `dead-lettered` needs a server with quick
 * retries (`retryBaseMs`), so its five attempts end in well under a second.
 */
export const sagaScenes = {
  completed: (api: Api) => placeAndEnd(api, "COMPLETED", [["mouse-pad", 5]]),
  "payment-failed": (api: Api) => placeAndEnd(api, "CANCELLED", [["headset", 1]], { paymentBehaviour: "failure" }),
  "out-of-stock": (api: Api) => placeAndEnd(api, "CANCELLED", [["laptop", 999]]),
  "cancelled-after-completion": async (api: Api) => {
    const id = await placeAndEnd(api, "COMPLETED", [["keyboard", 1]]);
    const answer = await api("POST", `/orders/${id}/cancel`);
    if (answer.status() >= 300) throw new Error(`POST /orders/${id}/cancel answered ${answer.status()}`);
    await until(async () => (await statusOf(api, id)) === "CANCELLED", `order ${id} to be cancelled`);
    return id;
  },
  "dead-lettered": async (api: Api) => {
    await patchSettings(api, { reactionFaultRate: 1 });
    const id = await place(api, [["mouse", 1]]);
    // Every delivery that failed has run out of attempts: nothing of the saga is still retrying.
    await until(async () => {
      const log = await deliveryLog(api, id);
      const keyOf = (d: { eventSeq: number; reaction: string }) => `${d.eventSeq}/${d.reaction}`;
      const dead = new Set(log.filter((d) => d.outcome === "dead_lettered").map(keyOf));
      return dead.size > 0 && log.every((d) => d.outcome !== "failed" || dead.has(keyOf(d)));
    }, `every failing delivery of ${id} to be dead-lettered`);
    await patchSettings(api, { reactionFaultRate: 0 });
    return id;
  },
} as const;
export type SagaScene = keyof typeof sagaScenes;

export const sequenceDiagram = (page: Page) => page.locator('#diagram-panel svg[aria-label*="sequence diagram"]');

/** The diagram's delivery arrows as the page shows them now: seq, type, reaction, outcome. */
export const drawnDeliveries = (page: Page) =>
  sequenceDiagram(page)
    .locator('[data-arrow="delivery"]')
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute("data-event-seq"),
        e.getAttribute("data-event-type"),
        e.getAttribute("data-reaction"),
        e.getAttribute("data-outcome"),
      ]),
    );

/** Waits until the page's diagram is of `orderId` and draws every attempt its delivery log holds, and nothing else; answers the log. */
export async function untilDiagramDrawsLog(page: Page, api: Api, orderId: string): Promise<string[][]> {
  let log: string[][] = [];
  await until(async () => {
    log = (await deliveryLog(api, orderId)).map((d) => [String(d.eventSeq), d.eventType, d.reaction, d.outcome]);
    return (
      log.length > 0 &&
      (await sequenceDiagram(page).getAttribute("data-order-id")) === orderId &&
      JSON.stringify(await drawnDeliveries(page)) === JSON.stringify(log)
    );
  }, `the diagram of ${orderId} to draw the delivery log`);
  return log;
}
