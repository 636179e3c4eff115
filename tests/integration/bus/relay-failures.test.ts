import { expect, test } from "bun:test";
import { systemClock } from "../../../src/platform/clock";
import { createSagaServer } from "../../../src/compose";

// Found by attacking the server: with the disk full, a failing relay round was retried at once,
// ~90 % CPU and ~110 stack traces a second. Now it backs off and logs a repeated failure once.
test("a relay round that keeps failing backs off (0.1 s doubling) and logs the repeats by count, not by stack", async () => {
  const logged: { message: string; withError: boolean }[] = [];
  const server = createSagaServer({
    clock: systemClock,
    relay: { log: (message, error) => logged.push({ message, withError: error !== undefined }) },
  });
  await server.app.request("/inventory/seed", { method: "POST", headers: { "x-session-id": "s" } });
  await server.app.request("/orders", {
    method: "POST",
    headers: { "x-session-id": "s", "content-type": "application/json" },
    body: JSON.stringify({ items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true }),
  });
  // Every round fails, as it would with the disk full.
  let rounds = 0;
  const runDue = server.relay.runDue.bind(server.relay);
  server.relay.runDue = () => {
    rounds += 1;
    throw new Error("SQLITE_FULL: database or disk is full");
  };
  server.relay.start();
  await Bun.sleep(1_000);
  // 0.1 + 0.2 + 0.4 s of backoff fit in a second: a handful of rounds, not thousands.
  expect(rounds).toBeGreaterThanOrEqual(3);
  expect(rounds).toBeLessThanOrEqual(6);
  expect(logged[0]).toEqual({ message: "relay: delivery round failed", withError: true });
  expect(logged.slice(1).every((entry) => !entry.withError && /failed \d+ times in a row/.test(entry.message))).toBe(true);
  expect(logged.length).toBeLessThanOrEqual(3);

  // The disk has room again: the next round delivers, and says so once.
  server.relay.runDue = runDue;
  await Bun.sleep(2_000);
  server.relay.stop();
  expect(logged.at(-1)?.message).toMatch(/succeed again after \d+ failed in a row/);
  const order = (await (await server.app.request("/orders", { headers: { "x-session-id": "s" } })).json()) as { status: string }[];
  expect(order[0]?.status).toBe("COMPLETED");
  server.deps.db.$client.close();
});
