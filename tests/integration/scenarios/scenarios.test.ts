import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSagaServer } from "../../../src/compose";
import { requestApp } from "../../support/http";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * "Break it"'s scenarios over HTTP: each run names the invariant its switch breaks (or none, for
 * the anomalies the correct code handles), only in its own session, the same way every time;
 * the excerpts are the repository's own lines.
 */

type Violation = { invariant: string; subject: string; causedBy: number[] };
type Run = { name: string; orders: { id: string; status: string | null }[]; violations: Violation[] };

const root = join(import.meta.dir, "..", "..", "..");

async function run(t: TestApp, name: string, session: string): Promise<Run> {
  const answer = await t.request("POST", `/scenarios/${name}/run`, { session });
  expect(answer.status).toBe(200);
  return answer.body;
}
const eventTypes = async (t: TestApp, session: string): Promise<string[]> =>
  (await t.request("GET", "/events?limit=1000", { session })).body.map((e: { type: string }) => e.type);

const breaks: [string, string[]][] = [
  ["double-release", ["stock_conserved"]],
  ["stuck-saga", ["saga_progresses"]],
  ["duplicate-charge", ["charged_once", "stock_conserved"]],
  ["dual-write", ["no_orphan_events"]],
  ["lost-update", ["stock_conserved"]],
];

describe("POST /scenarios/:name/run", () => {
  for (const [name, invariants] of breaks) {
    test(`${name} names ${invariants.join(" and ")}, each with its causes, only in its session`, async () => {
      const t = createTestApp();
      await t.request("POST", "/orders", { session: "other", body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
      t.settle();
      const before = await eventTypes(t, "other");
      const result = await run(t, name, "broken");
      expect(result.name).toBe(name);
      expect(result.orders.length).toBeGreaterThan(0);
      expect([...new Set(result.violations.map((v) => v.invariant))].sort()).toEqual([...invariants].sort());
      for (const violation of result.violations) expect(violation.causedBy.length).toBeGreaterThan(0);
      // The same as the session's own report says.
      expect((await t.request("GET", "/consistency", { session: "broken" })).body.violations).toEqual(result.violations);
      expect((await t.request("GET", "/consistency", { session: "other" })).body).toEqual({ consistent: true, violations: [] });
      expect(await eventTypes(t, "other")).toEqual(before);
      // Step mode is back as it was; the switches stay on.
      expect((await t.request("GET", "/settings", { session: "broken" })).body).toMatchObject({ stepMode: false });
    });
  }

  test("dual-write's order never existed: its status is null", async () => {
    const result = await run(createTestApp(), "dual-write", "s");
    expect(result.orders).toEqual([{ id: expect.any(String), status: null }]);
  });

  test("dirty-read: the second saga is refused on stock the first hands back, and the books balance", async () => {
    const t = createTestApp();
    const result = await run(t, "dirty-read", "s");
    expect(result.violations).toEqual([]);
    expect(result.orders.map((o) => o.status)).toEqual(["CANCELLED", "CANCELLED"]);
    const types = await eventTypes(t, "s");
    expect(types.filter((type) => type === "INVENTORY_FAILED")).toHaveLength(1);
    // Refused before the first saga handed its laptops back.
    expect(types.indexOf("INVENTORY_FAILED")).toBeLessThan(types.indexOf("INVENTORY_RELEASED"));
    const listed = (await t.request("GET", "/scenarios")).body.find((s: { name: string }) => s.name === "dirty-read");
    for (const countermeasure of ["semantic lock", "pessimistic view", "reread the value"])
      expect(listed.description).toContain(countermeasure);
  });

  test("timeout-vs-payment: the deadline cancels the order while its charge is in flight, and the charge is refunded", async () => {
    const t = createTestApp();
    const result = await run(t, "timeout-vs-payment", "s");
    expect(result.violations).toEqual([]);
    expect(result.orders.map((o) => o.status)).toEqual(["CANCELLED"]);
    const types = await eventTypes(t, "s");
    expect(types.indexOf("PAYMENT_SUCCESS")).toBeGreaterThan(types.indexOf("ORDER_CANCELLATION_REQUESTED"));
    expect(types).toContain("PAYMENT_REFUNDED");
    const order = (await t.request("GET", `/orders/${result.orders[0]?.id}`, { session: "s" })).body;
    expect(order.cancellationSource).toBe("timeout");
  });

  test("the same run in two fresh sessions gives the same events and violations", async () => {
    for (const name of ["lost-update", "duplicate-charge", "timeout-vs-payment"]) {
      const t = createTestApp();
      const first = await run(t, name, "one");
      const second = await run(t, name, "two");
      expect(await eventTypes(t, "two")).toEqual(await eventTypes(t, "one"));
      const shape = (r: Run) => r.violations.map(({ invariant, causedBy }) => ({ invariant, causedBy }));
      expect(shape(second)).toEqual(shape(first));
    }
  });

  test("with the real clock and the relay running, a run gives the same answer: it never waits on time", async () => {
    const server = createSagaServer();
    server.relay.start();
    try {
      for (const [name, invariants] of [
        ...breaks,
        ["dirty-read", []] as [string, string[]],
        ["timeout-vs-payment", []] as [string, string[]],
      ]) {
        const answer = await requestApp(server.app, "POST", `/scenarios/${name}/run`, { session: "real" });
        expect(answer.status).toBe(200);
        expect([name, [...new Set(answer.body.violations.map((v: Violation) => v.invariant))].sort()]).toEqual([
          name,
          [...invariants].sort(),
        ]);
      }
    } finally {
      server.relay.stop();
    }
  });

  test("a run in a session with orders and step mode on starts from empty books and puts step mode back", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { session: "s", body: { stepMode: true } });
    await t.request("POST", "/orders", { session: "s", body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
    const result = await run(t, "lost-update", "s");
    expect(result.orders).toHaveLength(2);
    expect((await t.request("GET", "/settings", { session: "s" })).body).toMatchObject({ stepMode: true, bugs: ["absoluteStockWrites"] });
  });

  test("a second run in a session while one is under way is refused (409), and the first completes", async () => {
    const t = createTestApp();
    const [first, second] = await Promise.all([
      t.request("POST", "/scenarios/lost-update/run", { session: "s" }),
      t.request("POST", "/scenarios/double-release/run", { session: "s" }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("INVALID_STATE");
    expect((await t.request("GET", "/settings", { session: "s" })).body.bugs).toEqual(["absoluteStockWrites"]);
  });

  test("an unknown scenario is a 404 with a code, and writes nothing", async () => {
    const t = createTestApp();
    const answer = await t.request("POST", "/scenarios/no-such-thing/run", { session: "s" });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe("NOT_FOUND");
    expect((await t.request("GET", "/settings", { session: "s" })).body).toMatchObject({ bugs: [], stepMode: false });
    expect(await eventTypes(t, "s")).toEqual([]);
    expect((await t.request("POST", "/scenarios/lost-update/run", { session: null })).status).toBe(400);
  });
});

describe("GET /scenarios", () => {
  test("lists every scenario, each excerpt the very lines of the file it names", async () => {
    const list = (await createTestApp().request("GET", "/scenarios")).body as {
      name: string;
      switches: string[];
      bug: { file: string; excerpt: string };
      fix: { file: string; excerpt: string };
    }[];
    expect(list.map((s) => s.name)).toEqual([
      "double-release",
      "stuck-saga",
      "duplicate-charge",
      "dual-write",
      "lost-update",
      "dirty-read",
      "timeout-vs-payment",
    ]);
    for (const scenario of list) {
      for (const { file, excerpt } of [scenario.bug, scenario.fix]) {
        const source = readFileSync(join(root, file), "utf8");
        expect(excerpt.split("\n").length).toBeGreaterThan(1);
        expect(source).toContain(excerpt);
        expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(4_096);
      }
    }
    const lost = list.find((s) => s.name === "lost-update");
    expect(lost?.switches).toEqual(["absoluteStockWrites"]);
    expect(lost?.bug.excerpt).toStartWith("export const confirmWritingStockRead");
    expect(lost?.fix.excerpt).toStartWith("export function confirmReservation");
  });
});
