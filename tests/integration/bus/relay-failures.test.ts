import { expect, test } from "bun:test";
import { createSagaServer } from "../../../src/compose";
import { ManualClock } from "../../../src/platform/clock";
import { ManualTimer } from "../../../src/platform/timer";

// Found by attacking the server: with the disk full, a failing relay round was retried at once,
// ~90 % CPU and ~110 stack traces a second. Now it backs off and logs a repeated failure once.
test("a relay round that keeps failing backs off (0.1 s doubling) and logs the repeats by count, not by stack", async () => {
  const logged: { message: string; withError: boolean }[] = [];
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const server = createSagaServer({
    clock,
    timer,
    relay: { log: (message, error) => logged.push({ message, withError: error !== undefined }) },
  });
  await server.app.request("/inventory/seed", { method: "POST", headers: { "x-session-id": "s" } });
  await server.app.request("/orders", {
    method: "POST",
    headers: { "x-session-id": "s", "content-type": "application/json" },
    body: JSON.stringify({ items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true }),
  });
  // Every write fails, as it would with the disk full: so does every round, as a whole.
  const sqlite = server.deps.db.$client;
  sqlite.run("PRAGMA query_only = ON");
  const start = clock.now();
  server.relay.start();
  // Rounds at 0, 0.1, 0.3 and 0.7 s fit in a second of backoff: four, not thousands.
  const failedRounds = timer.fireUntil(start + 1_000);
  expect(failedRounds).toBe(4);
  const rounds = logged.filter((entry) => entry.message.startsWith("relay: delivery round"));
  expect(rounds[0]).toEqual({ message: "relay: delivery round failed", withError: true });
  expect(rounds.slice(1).every((entry) => !entry.withError && /failed \d+ times in a row/.test(entry.message))).toBe(true);
  expect(rounds.length).toBe(3);

  // The disk has room again: the next round delivers, and says so once.
  sqlite.run("PRAGMA query_only = OFF");
  while (timer.fireNext()) {}
  server.relay.stop();
  expect(logged.at(-1)?.message).toMatch(/succeed again after 4 failed in a row/);
  const order = (await (await server.app.request("/orders", { headers: { "x-session-id": "s" } })).json()) as { status: string }[];
  expect(order[0]?.status).toBe("COMPLETED");
  sqlite.close();
});
