import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

const TOKEN = "teach-the-saga-2026";

describe("naming a session (PATCH /session {name})", () => {
  test("a name is trimmed, stored per session, and shown by GET /session; another session keeps none", async () => {
    const t = createTestApp();
    expect((await t.request("GET", "/session", { session: "ada" })).body).toEqual({ sessionId: "ada", name: null });
    const named = await t.request("PATCH", "/session", { session: "ada", body: { name: "  Ada Lovelace " } });
    expect(named.status).toBe(200);
    expect(named.body).toEqual({ sessionId: "ada", name: "Ada Lovelace" });
    expect((await t.request("GET", "/session", { session: "ada" })).body).toEqual({ sessionId: "ada", name: "Ada Lovelace" });
    expect((await t.request("GET", "/session", { session: "bob" })).body).toEqual({ sessionId: "bob", name: null });
    await t.request("PATCH", "/session", { session: "ada", body: { name: "Ada" } });
    expect((await t.request("GET", "/session", { session: "ada" })).body.name).toBe("Ada");
  });

  test("an empty, blank, too long or control-character name, or another key, is a 400 VALIDATION_FAILED that stores nothing", async () => {
    const t = createTestApp();
    for (const body of [
      { name: "" },
      { name: "   " },
      { name: "x".repeat(41) },
      { name: "a\nb" },
      { name: "a\u0000" },
      { name: 7 },
      {},
      { name: "ok", extra: 1 },
    ]) {
      const answer = await t.request("PATCH", "/session", { session: "ada", body });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("VALIDATION_FAILED");
    }
    expect((await t.request("PATCH", "/session", { session: "ada", body: { name: `  ${"x".repeat(40)}  ` } })).status).toBe(200);
    const t2 = createTestApp();
    await t2.request("PATCH", "/session", { session: "ada", body: { name: "a\tb" } });
    expect((await t2.request("GET", "/session", { session: "ada" })).body.name).toBeNull();
  });

  test("DELETE /session forgets the name", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/session", { session: "ada", body: { name: "Ada" } });
    const deleted = await t.request("DELETE", "/session", { session: "ada" });
    expect(deleted.body.deleted.session_names).toBe(1);
    expect((await t.request("GET", "/session", { session: "ada" })).body.name).toBeNull();
  });

  test("the teacher's overview lists sessions by name, escaped, next to their id; unnamed ones after, by id", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    for (const session of ["s-1", "s-2", "s-3"]) await t.request("POST", "/inventory/seed", { session });
    await t.request("PATCH", "/session", { session: "s-3", body: { name: "<b>alice</b>" } });
    await t.request("PATCH", "/session", { session: "s-2", body: { name: "Bob" } });
    const page = (await t.request("GET", `/teacher?token=${TOKEN}`, { session: null })).text;
    expect([...page.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1])).toEqual(["s-3", "s-2", "s-1"]);
    expect(page).not.toContain("<b>alice</b>");
    expect(page).toContain("&lt;b&gt;alice&lt;/b&gt;");
    // Renamed: the next computation lists it afresh.
    t.clock.advance(2_000);
    await t.request("PATCH", "/session", { session: "s-3", body: { name: "Zed" } });
    const again = (await t.request("GET", `/teacher/sessions?token=${TOKEN}`, { session: null })).text;
    expect([...again.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1])).toEqual(["s-2", "s-3", "s-1"]);
  });
});
