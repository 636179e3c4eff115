import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

const TOKEN = "teach-the-saga-2026";
const class3 = async (t: TestApp) => {
  for (const session of ["s-1", "s-2", "s-3"]) await t.request("POST", "/inventory/seed", { session });
};
const post = (t: TestApp, body: unknown, token = TOKEN) => t.request("POST", `/teacher/broadcast?token=${token}`, { session: null, body });

describe("POST /teacher/broadcast (settings or a scenario for every session on the overview)", () => {
  test("a settings patch reaches every session, and nothing else changes", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await class3(t);
    const before = (await t.request("GET", "/settings", { session: "s-2" })).body;
    const answer = await post(t, { settings: { paymentFailureRate: 0.3, shipmentStep: true } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sessions: ["s-1", "s-2", "s-3"], failed: [] });
    for (const session of ["s-1", "s-2", "s-3"]) {
      expect((await t.request("GET", "/settings", { session })).body).toEqual({ ...before, paymentFailureRate: 0.3, shipmentStep: true });
    }
    // A session not on the overview (nothing in it) is not touched.
    expect((await t.request("GET", "/settings", { session: "elsewhere" })).body).toEqual(before);
  });

  test("a scenario runs in every session once confirmed; without confirm it is a 400 that touches nothing", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await class3(t);
    await t.request("POST", "/orders", { session: "s-1", body: { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: true } });
    const refused = await post(t, { scenario: "double-release" });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("VALIDATION_FAILED");
    expect((await t.request("GET", "/orders", { session: "s-1" })).body).toHaveLength(1);

    const answer = await post(t, { scenario: "double-release", confirm: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sessions: ["s-1", "s-2", "s-3"], failed: [] });
    for (const session of ["s-1", "s-2", "s-3"]) {
      const { bugs } = (await t.request("GET", "/settings", { session })).body;
      expect(bugs).toContain("ignoreCancellationSource");
      expect((await t.request("GET", "/consistency", { session })).body.consistent).toBe(false);
    }
  });

  test("bad bodies are a 400 VALIDATION_FAILED that changes no session; without the token it is not there", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await class3(t);
    const before = (await t.request("GET", "/settings", { session: "s-1" })).body;
    for (const body of [
      {},
      { confirm: true },
      { settings: { paymentFailureRate: 2 } },
      { settings: { nope: 1 } },
      { scenario: "no-such-scenario", confirm: true },
      { settings: { paymentFailureRate: 0.1 }, scenario: "double-release" },
      { settings: { paymentFailureRate: 0.1 }, extra: 1 },
      [],
    ]) {
      const answer = await post(t, body);
      expect([JSON.stringify(body), answer.status, answer.body.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_FAILED"]);
    }
    const wrong = await post(t, { settings: { paymentFailureRate: 0.1 } }, "wrong");
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe("NOT_FOUND");
    for (const session of ["s-1", "s-2", "s-3"]) expect((await t.request("GET", "/settings", { session })).body).toEqual(before);
  });
});
