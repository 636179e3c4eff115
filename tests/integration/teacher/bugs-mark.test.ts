import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

const TOKEN = "teach-the-saga-2026";

describe("the teacher's overview marks sessions with a bug switched on", () => {
  test("a session with switches on has them in its row (badge and data-bugs); one without has neither", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    await t.request("POST", "/inventory/seed", { session: "careful" });
    await t.request("POST", "/inventory/seed", { session: "breaker" });
    // Seen once before the switches go on: the change of settings alone marks the row.
    expect((await t.request("GET", `/teacher?token=${TOKEN}`, { session: null })).text).not.toContain("data-bugs");
    t.clock.advance(2_000);
    await t.request("PATCH", "/settings", { session: "breaker", body: { bugs: ["ignoreCancellationSource", "noSemanticLock"] } });
    t.clock.advance(2_000);
    const page = (await t.request("GET", `/teacher?token=${TOKEN}`, { session: null })).text;
    const rowOf = (session: string) => page.match(new RegExp(`<tr data-session="${session}"[\\s\\S]*?</tr>`))?.[0] ?? "";
    const breaker = rowOf("breaker");
    expect(breaker).toContain('data-bugs="ignoreCancellationSource,noSemanticLock"');
    expect(breaker).toContain("⚠ bugs: ignoreCancellationSource, noSemanticLock");
    const careful = rowOf("careful");
    expect(careful).not.toBe("");
    expect(careful).not.toContain("data-bugs");
    expect(careful).not.toContain("⚠ bugs");
  });
});
