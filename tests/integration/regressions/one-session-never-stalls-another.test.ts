import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoDelayRange, readServerConfig } from "../../../src/platform/config";
import { openDatabase, StartupError } from "../../../src/platform/db";
import { createTestApp, type TestApp } from "../../support/test-app";

/**
 * Found by a teacher: `INVENTORY_DELAY_MS` accepted up to 600,000 ms while the knobs stopped at
 * 60,000. Started with 120,000, one `PATCH /settings` stored the session's settings with that
 * default in them, and after a restart they no longer parsed: `GET /settings` answered 500, and
 * the relay's whole round threw on them, so every other session's orders stayed PENDING. Now
 * each setting has one range, stored settings are read knob by knob, and whatever one
 * session's delivery or settings throw stays in that session.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-stall-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const onePad = { items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true };
async function placeIn(t: TestApp, session: string) {
  await t.request("POST", "/inventory/seed", { session });
  return (await t.request("POST", "/orders", { session, body: onePad })).body.id as string;
}
const statusOf = async (t: TestApp, session: string, id: string) => (await t.request("GET", `/orders/${id}`, { session })).body.status;

describe("one range per setting, for the environment and the knobs alike", () => {
  test("a demo delay the environment accepts is one a session may keep, and one past it is refused by both", async () => {
    const { max } = demoDelayRange;
    expect(readServerConfig({ INVENTORY_DELAY_MS: String(max), PAYMENT_DELAY_MS: String(max) })).toMatchObject({
      inventoryDelayMs: max,
      paymentDelayMs: max,
    });
    expect(() => readServerConfig({ PAYMENT_DELAY_MS: String(max + 1) })).toThrow(StartupError);
    expect(() => readServerConfig({ INVENTORY_DELAY_MS: "120000" })).toThrow("INVENTORY_DELAY_MS");
    const t = createTestApp();
    expect((await t.request("PATCH", "/settings", { body: { inventoryDelayMs: max, paymentDelayMs: max } })).status).toBe(200);
    const past = await t.request("PATCH", "/settings", { body: { paymentDelayMs: max + 1 } });
    expect([past.status, past.body.code]).toEqual([400, "VALIDATION_FAILED"]);
  });

  test("a session that kept a delay the environment once allowed (120,000) is read after a restart, and no session stalls", async () => {
    const path = join(dir, "restarted.sqlite");
    // What an older server started with INVENTORY_DELAY_MS=120000 stored on the session's first PATCH.
    const before = createTestApp({ db: openDatabase({ path }) });
    await before.request("PATCH", "/settings", { session: "teacher", body: { paymentFailureRate: 0.5 } });
    before.deps.db.$client
      .query("UPDATE session_settings SET settings = json_set(settings, '$.inventoryDelayMs', 120000) WHERE session_id = 'teacher'")
      .run();
    before.deps.db.$client.close();

    const after = createTestApp({ db: openDatabase({ path }) });
    const settings = await after.request("GET", "/settings", { session: "teacher" });
    expect([settings.status, settings.body.inventoryDelayMs, settings.body.paymentFailureRate]).toEqual([200, 3_000, 0.5]);
    const teachers = await placeIn(after, "teacher");
    const students = await placeIn(after, "student");
    after.settle();
    expect(await statusOf(after, "student", students)).toBe("COMPLETED");
    expect(await statusOf(after, "teacher", teachers)).toMatch(/COMPLETED|CANCELLED/);
    after.deps.db.$client.close();
  });
});

describe("stored settings that no longer parse are read knob by knob", () => {
  test("a knob that no longer parses falls back to its default, the others keep their stored values; no 500", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { paymentFailureRate: 0.25, orderTimeoutMs: 60_000 } });
    // A row as a narrower range, an older version or a hand-edit might have left it.
    t.deps.db.$client
      .query("UPDATE session_settings SET settings = ? WHERE session_id = ?")
      .run(
        JSON.stringify({ paymentFailureRate: 0.25, orderTimeoutMs: 60_000, inventoryDelayMs: 9_999_999, stepMode: "yes" }),
        "test-session",
      );
    const restarted = createTestApp({ db: t.deps.db });
    const settings = await restarted.request("GET", "/settings");
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ paymentFailureRate: 0.25, orderTimeoutMs: 60_000, inventoryDelayMs: 3_000, stepMode: false });
    const id = await placeIn(restarted, "test-session");
    restarted.settle();
    expect(await statusOf(restarted, "test-session", id)).toMatch(/COMPLETED|CANCELLED/);
  });
});

describe("what one session's delivery throws outside its reaction stays in that session", () => {
  test("settings that throw when the relay reads them (step mode) fail that session's deliveries only", async () => {
    const t = createTestApp({
      relay: {
        log: () => {},
        isHeld: (sessionId) => {
          if (sessionId === "broken") throw new Error("the settings of session broken cannot be read");
          return false;
        },
      },
    });
    const broken = await placeIn(t, "broken");
    const fine = await placeIn(t, "fine");
    t.settle();
    expect(await statusOf(t, "fine", fine)).toBe("COMPLETED");
    expect(await statusOf(t, "broken", broken)).toBe("PENDING");
    const dead = (await t.request("GET", "/bus/dead-letters", { session: "broken" })).body as { reaction: string; lastError: string }[];
    expect(dead.map((d) => d.reaction)).toContain("inventory.reserveStockWhenOrderCreated");
  });

  test("a stored event whose payload no longer parses dead-letters its own deliveries; the cursor and the schedule pass it", async () => {
    const t = createTestApp({ relay: { log: () => {} } });
    // A payload that no longer parses is one an older version wrote: this process holds the
    // events it built itself and would hand those over without reading them back.
    const corrupt = (session: string) => {
      t.deps.db.$client.query("UPDATE events SET data = '{\"nonsense\":true}' WHERE session_id = ?").run(session);
      t.deps.bus.forgetBuilt();
    };
    // Not handed over yet: the cursor meets the broken payload.
    const early = await placeIn(t, "early");
    corrupt("early");
    // Handed over, its reservation scheduled after the demo delay: the schedule meets it.
    await t.request("POST", "/inventory/seed", { session: "late" });
    const late = (await t.request("POST", "/orders", { session: "late", body: { items: onePad.items } })).body.id as string;
    t.relay.runDue();
    corrupt("late");
    const fine = await placeIn(t, "fine");
    t.settle(t.clock.now() + 120_000); // past the retries, before the orders' deadlines
    expect(await statusOf(t, "fine", fine)).toBe("COMPLETED");
    const deadOf = async (session: string) =>
      ((await t.request("GET", "/bus/dead-letters", { session })).body as { reaction: string }[]).map((d) => d.reaction).sort();
    expect(await deadOf("early")).toEqual([
      "inventory.reserveStockWhenOrderCreated",
      "notifications.notifyOnOrderCreated",
      "orders.cancelOrderWhenTimedOut",
    ]);
    expect(await deadOf("late")).toEqual(["inventory.reserveStockWhenOrderCreated"]);
    expect([await statusOf(t, "early", early), await statusOf(t, "late", late)]).toEqual(["PENDING", "PENDING"]);
    // Retried by hand while its event still does not parse, it stays a dead letter.
    const [first] = (await t.request("GET", "/bus/dead-letters", { session: "early" })).body as { id: number }[];
    const retried = await t.request("POST", `/bus/dead-letters/${first?.id}/retry`, { session: "early" });
    expect(retried.body.outcome).toBe("dead_lettered");
    expect(await deadOf("early")).toHaveLength(3);
  });
});
