import { expect, test } from "bun:test";
import { createTestApp, fiveMousePads } from "../../support/test-app";

test("a long poll wakes only for its own order's final event, whatever else is announced", async () => {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  await t.request("POST", "/inventory/seed", { session: "other-session" });
  const fast = (await t.request("POST", "/orders", { body: fiveMousePads })).body.id as string;
  const slow = (await t.request("POST", "/orders", { body: { ...fiveMousePads, skipDemoDelays: false } })).body.id as string;
  const other = (await t.request("POST", "/orders", { body: fiveMousePads, session: "other-session" })).body.id as string;
  const answered: string[] = [];
  const poll = (id: string, session = "test-session") =>
    t.request("GET", `/orders/${id}?wait=30000`, { session }).then((res) => answered.push(`${id}:${res.body.status}`));
  const waits = [poll(fast), poll(slow), poll(other, "other-session")];
  // The same order id in another session is no order at all.
  expect((await t.request("GET", `/orders/${fast}?wait=50`, { session: "other-session" })).status).toBe(404);
  for (let tick = 0; tick < 100 && t.deps.waiters.count < 3; tick += 1) await Bun.sleep(1);
  expect(t.deps.waiters.count).toBe(3);

  t.relay.runDue(); // the two orders without demo delays finish; the third waits 3 s for inventory
  await Promise.all([waits[0], waits[2]]);
  expect(answered.sort()).toEqual([`${fast}:COMPLETED`, `${other}:COMPLETED`].sort());
  expect(t.deps.waiters.count).toBe(1);

  t.settle();
  await waits[1];
  expect(answered).toContain(`${slow}:COMPLETED`);
  expect(t.deps.waiters.count).toBe(0);
});

test("one session's long polls cannot use up everyone's: past its own cap a session's wait answers at once, others still wait", async () => {
  const { EventWaiters } = await import("../../../src/bus/waiters");
  const t = createTestApp();
  const waiters = new EventWaiters(t.deps.bus, 100, 3);
  const never = new AbortController();
  const pending = Array.from({ length: 3 }, (_, i) => waiters.waitForOrder("greedy", `o${i}`, ["ORDER_COMPLETED"], 60_000, never.signal));
  expect(waiters.count).toBe(3);
  // The greedy session's fourth answers at once; another session still gets to wait.
  const started = Date.now();
  await waiters.waitForOrder("greedy", "o4", ["ORDER_COMPLETED"], 60_000, never.signal);
  expect(Date.now() - started).toBeLessThan(1_000);
  const polite = waiters.waitForOrder("polite", "o1", ["ORDER_COMPLETED"], 60_000, never.signal);
  expect(waiters.count).toBe(4);
  never.abort();
  await Promise.all([...pending, polite]);
  expect(waiters.count).toBe(0);
});
