import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

const TOKEN = "teach-the-saga-2026";
const from = (address: string) => ({ requestIP: () => ({ address }) });

describe("guessing the teacher's token (found by attacking the server: 10,955 guesses a second from one client)", () => {
  test("after 5 wrong tokens an address gets 429 RATE_LIMITED with Retry-After, even with the right token; another address still gets in; the lockout ends", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    const ask = (token: string, address: string) => t.app.request(`/teacher/sessions?token=${token}`, {}, from(address));
    for (let i = 0; i < 5; i += 1) expect((await ask(`guess-${i}`, "10.0.0.1")).status).toBe(404);

    const locked = await ask("guess-next", "10.0.0.1");
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBe("30");
    expect(await locked.json()).toEqual({ error: "Too many wrong teacher tokens from this address", code: "RATE_LIMITED" });
    expect((await ask(TOKEN, "10.0.0.1")).status).toBe(429);
    expect((await ask(TOKEN, "10.0.0.2")).status).toBe(200);

    t.clock.advance(29_000);
    expect((await ask(TOKEN, "10.0.0.1")).headers.get("retry-after")).toBe("1");
    t.clock.advance(1_000);
    expect((await ask(TOKEN, "10.0.0.1")).status).toBe(200);
  });

  test("a right token clears the address's failures; failures spread over more than a minute never lock it out", async () => {
    const t = createTestApp({ teacherToken: TOKEN });
    const ask = (token: string) => t.app.request(`/teacher?token=${token}`, {}, from("10.0.0.9"));
    for (let i = 0; i < 4; i += 1) expect((await ask("typo")).status).toBe(404);
    expect((await ask(TOKEN)).status).toBe(200);
    for (let i = 0; i < 4; i += 1) expect((await ask("typo")).status).toBe(404);
    t.clock.advance(60_000);
    for (let i = 0; i < 4; i += 1) expect((await ask("typo")).status).toBe(404);
    expect((await ask(TOKEN)).status).toBe(200);
  });

  test("with no token configured every path stays a plain 404, however often it is asked", async () => {
    const t = createTestApp();
    for (let i = 0; i < 20; i += 1) expect((await t.app.request("/teacher?token=x", {}, from("10.0.0.1"))).status).toBe(404);
  });
});
