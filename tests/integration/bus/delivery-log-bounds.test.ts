import { describe, expect, test } from "bun:test";
import { createTestApp, fiveMousePads } from "../../support/test-app";

/** A completed saga in `session`: its order id and the seq of its ORDER_CREATED. */
async function completedOrder(t: ReturnType<typeof createTestApp>, session: string) {
  const order = await t.request("POST", "/orders", { session, body: fiveMousePads });
  t.settle();
  const trace = await t.request("GET", `/orders/${order.body.id}/events`, { session });
  return { id: order.body.id as string, createdSeq: trace.body[0].seq as number };
}

describe("the delivery log's memory (found by attacking the server)", () => {
  // Redelivering events in a loop filled the log's 10,000 orders × 200 attempts: about 210 MB.
  test("a redelivery flood in one session drops that session's oldest order logs within its byte budget, never another session's", async () => {
    const t = createTestApp({ deliveryLog: { maxBytesPerSession: 40_000, maxBytes: 1_000_000 } });
    await t.request("POST", "/inventory/seed", { session: "flooder" });
    await t.request("POST", "/inventory/seed", { session: "bystander" });
    const theirs = await completedOrder(t, "bystander");
    const theirLog = (await t.request("GET", `/orders/${theirs.id}/deliveries`, { session: "bystander" })).body;
    expect(theirLog.length).toBeGreaterThan(0);

    const first = await completedOrder(t, "flooder");
    for (let i = 0; i < 5; i += 1) {
      const order = await completedOrder(t, "flooder");
      for (let flood = 0; flood < 40; flood += 1) {
        expect((await t.request("POST", `/events/${order.createdSeq}/redeliver`, { session: "flooder" })).status).toBe(200);
      }
    }

    expect(await t.request("GET", `/orders/${first.id}/deliveries`, { session: "flooder" })).toMatchObject({ status: 200, body: [] });
    expect((await t.request("GET", `/orders/${theirs.id}/deliveries`, { session: "bystander" })).body).toEqual(theirLog);
  });
});
