import { expect, test } from "bun:test";
import { createSagaServer } from "../../../src/compose";
import { ManualClock } from "../../../src/platform/clock";
import { ManualTimer } from "../../../src/platform/timer";

// The orders placed in a turn of the event loop and the relay's round share one COMMIT
// (Bus.shareGroupCommits): the commit is the largest single item of a saga's server time
// (docs/performance.md), and the two wrote the same pages of the log one after the other.

const json = { "x-session-id": "s", "content-type": "application/json" };
const order = (product = "mouse") => JSON.stringify({ items: [{ product, quantity: 1 }], skipDemoDelays: true });

function startedServer(config = {}) {
  const logged: string[] = [];
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const server = createSagaServer({ clock, timer, config, relay: { log: (message) => logged.push(message) } });
  server.relay.start();
  return { server, clock, timer, logged };
}

async function statusOf(server: ReturnType<typeof createSagaServer>, id: string): Promise<string> {
  const response = await server.app.request(`/orders/${id}`, { headers: json });
  return ((await response.json()) as { status: string }).status;
}

test("with the relay running, orders placed together are delivered in their own commit: final when the POST answers, no timer fired", async () => {
  const { server, timer } = startedServer();
  await server.app.request("/inventory/seed", { method: "POST", headers: json });
  const placed = await Promise.all(
    ["mouse", "keyboard", "nonexistent"].map((product) =>
      server.app.request("/orders", { method: "POST", headers: json, body: order(product) }),
    ),
  );
  const ids = await Promise.all(placed.map(async (response) => ((await response.json()) as { id: string }).id));
  // The relay's own timer never ran: the round that completed them was the group commit's.
  expect(timer.fired).toBe(0);
  expect(await Promise.all(ids.map((id) => statusOf(server, id)))).toEqual(["COMPLETED", "COMPLETED", "CANCELLED"]);
  server.relay.stop();
  server.deps.db.$client.close();
});

test("a round that fails as a whole inside a group commit takes nothing with it: the orders commit alone, counted once against the quota, and are delivered after the backoff", async () => {
  const { server, clock, timer, logged } = startedServer({ maxOrdersPerSession: 2 });
  await server.app.request("/inventory/seed", { method: "POST", headers: json });
  // The round cannot write its cursor (as with a full disk), once.
  const { cursor } = server.deps.bus;
  const moveTo = cursor.moveTo.bind(cursor);
  let failures = 1;
  cursor.moveTo = (position) => {
    if (failures-- > 0) throw new Error("disk I/O error");
    moveTo(position);
  };

  const first = await server.app.request("/orders", { method: "POST", headers: json, body: order() });
  expect(first.status).toBe(200);
  const { id } = (await first.json()) as { id: string };
  expect(logged).toContain("relay: delivery round failed");
  expect(await statusOf(server, id)).toBe("PENDING");

  // The rolled-back attempt did not count: the quota of two still has room for one more order.
  const second = await server.app.request("/orders", { method: "POST", headers: json, body: order() });
  expect(second.status).toBe(200);
  const third = await server.app.request("/orders", { method: "POST", headers: json, body: order() });
  expect(third.status).toBe(429);

  // After the backoff the relay's own round delivers what the failed one left.
  clock.advance(100);
  while (timer.fireNext()) {}
  expect(await statusOf(server, id)).toBe("COMPLETED");
  expect(logged.at(-1)).toMatch(/succeed again after 1 failed in a row/);
  server.relay.stop();
  server.deps.db.$client.close();
});
