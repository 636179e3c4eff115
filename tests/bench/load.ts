/**
 * The load generators. The client is Bun's fetch, which keeps connections alive and reuses
 * them across requests (its pool is per origin), so each of the C workers below is in effect
 * one persistent HTTP/1.1 connection issuing one request at a time.
 */
import { percentile } from "./stats";

/** Runs `clients` workers calling `work` back to back until `durationMs` is over; answers completed calls per second. */
export async function measureRate(work: (worker: number) => Promise<void>, clients: number, durationMs: number): Promise<number> {
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      while (performance.now() < deadline) {
        await work(worker);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** What the bench reads of an order. */
type BenchOrder = { id: string; status: string; cancellationSource?: string | null };

/** The answer is the server's JSON as the caller names it (the bench trusts its own server). */
export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

export type Outcome = "COMPLETED" | "CANCELLED";

/** One order to place: where, what, and how its saga must end (checked, a wrong ending throws). */
export interface PlannedOrder {
  session: string;
  body: unknown;
  /** Undefined when the ending is not known in advance (the race). */
  expect: { status: Outcome; cancellationSource?: string } | undefined;
}

export interface OrderRunFigures extends Record<string, number> {
  orders: number;
  completed: number;
  cancelled: number;
  /** Orders whose saga reached its end, per second of the run. */
  settledPerSec: number;
  completedPerSec: number;
  createP50Ms: number;
  createP99Ms: number;
  /** From sending POST /orders to the answer that shows the final status. */
  completionP50Ms: number;
  completionP99Ms: number;
}

export interface OrderRunOptions {
  baseUrl: string;
  clients: number;
  /** Stop issuing new orders after this long (orders in flight still finish)... */
  durationMs: number;
  /** ...or after this many orders, whichever comes first. */
  maxOrders: number;
  plan: (orderNumber: number) => PlannedOrder;
  /** Long-poll window of each GET /orders/:id?wait=. */
  waitMs?: number;
}

/**
 * Each worker places an order (POST /orders), then long-polls GET /orders/:id?wait= until it is
 * COMPLETED or CANCELLED, then places the next one.
 */
export async function runOrders(options: OrderRunOptions): Promise<OrderRunFigures> {
  const { baseUrl, clients, durationMs, maxOrders, plan, waitMs = 5_000 } = options;
  const createMs: number[] = [];
  const completionMs: number[] = [];
  let issued = 0;
  let completed = 0;
  let cancelled = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && issued < maxOrders) {
        const planned = plan(issued);
        issued += 1;
        const headers = { "x-session-id": planned.session };
        const sentAt = performance.now();
        let order = await postJson<BenchOrder>(`${baseUrl}/orders`, planned.body, headers);
        createMs.push(performance.now() - sentAt);
        // Bounded: each poll waits up to waitMs, and a saga that is not over in 20 polls is a failure.
        for (let poll = 0; order.status !== "COMPLETED" && order.status !== "CANCELLED"; poll += 1) {
          if (poll === 20) throw new Error(`order ${order.id} still ${order.status} after 20 long polls`);
          order = await getJson<BenchOrder>(`${baseUrl}/orders/${order.id}?wait=${waitMs}`, headers);
        }
        completionMs.push(performance.now() - sentAt);
        const expected = planned.expect;
        if (
          expected &&
          (order.status !== expected.status || (expected.cancellationSource ?? null) !== (order.cancellationSource ?? null))
        ) {
          throw new Error(
            `order ${order.id} ended ${order.status}/${order.cancellationSource} but ${expected.status}/${expected.cancellationSource ?? null} was expected`,
          );
        }
        if (order.status === "COMPLETED") completed += 1;
        else cancelled += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  createMs.sort((a, b) => a - b);
  completionMs.sort((a, b) => a - b);
  return {
    orders: completed + cancelled,
    completed,
    cancelled,
    settledPerSec: (completed + cancelled) / seconds,
    completedPerSec: completed / seconds,
    createP50Ms: percentile(createMs, 50),
    createP99Ms: percentile(createMs, 99),
    completionP50Ms: percentile(completionMs, 50),
    completionP99Ms: percentile(completionMs, 99),
  };
}
