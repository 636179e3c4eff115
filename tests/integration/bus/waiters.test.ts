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
