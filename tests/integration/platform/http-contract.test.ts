import { describe, expect, test } from "bun:test";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

describe("sessions", () => {
  test("a request without x-session-id is refused with SESSION_REQUIRED", async () => {
    const t = createTestApp();
    for (const [method, path] of [
      ["GET", "/orders"],
      ["POST", "/orders"],
      ["GET", "/inventory"],
      ["GET", "/payments"],
      ["GET", "/events"],
    ] as const) {
      const res = await t.request(method, path, { session: null, body: method === "POST" ? { items: [] } : undefined });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "Missing x-session-id header", code: "SESSION_REQUIRED", message: "Missing x-session-id header" });
    }
  });

  test("a malformed session id is refused with SESSION_INVALID and a sentence naming the header", async () => {
    const t = createTestApp();
    for (const bad of ["a".repeat(65), "has space", "semi;colon", "ünïcode", "slash/"]) {
      const res = await t.request("GET", "/orders", { session: bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("SESSION_INVALID");
      expect(res.body.error).toContain("x-session-id");
    }
  });

  test("UUIDs, `benchmark` and SWAP's test session ids are accepted", async () => {
    const t = createTestApp();
    for (const good of [crypto.randomUUID(), "benchmark", "test-session-12345", "a", "A.b_c:d-1", "x".repeat(64)]) {
      expect((await t.request("GET", "/orders", { session: good })).status).toBe(200);
    }
  });

  test("health needs no session", async () => {
    const t = createTestApp();
    const res = await t.request("GET", "/health", { session: null });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });
});

describe("errors", () => {
  test("malformed JSON answers MALFORMED_JSON and writes nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    const res = await t.request("POST", "/orders", { body: '{"items": [' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "Request body is not valid JSON", code: "MALFORMED_JSON" });
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test("a JSON body sent without a JSON content type says what to fix", async () => {
    const t = createTestApp();
    const res = await t.request("POST", "/orders", {
      body: '{"items":[{"product":"mouse","quantity":1}]}',
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("MALFORMED_JSON");
    expect(res.body.error).toContain("Content-Type: application/json");
  });

  test("validation failures list every failing field and write nothing", async () => {
    const t = createTestApp();
    const before = countAllRows(t.deps.db);
    const res = await t.request("POST", "/orders", {
      body: { items: [{ product: "mouse", quantity: 0 }, { quantity: 1 }], paymentBehaviour: "sometimes" },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    const paths = res.body.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["items.0.quantity", "items.1.product", "paymentBehaviour"]);
    expect(countAllRows(t.deps.db)).toEqual(before);
  });

  test.each([
    ["an empty body", undefined],
    ["no items", { items: [] }],
    ["101 lines", { items: Array.from({ length: 101 }, () => ({ product: "mouse", quantity: 1 })) }],
    ["a fractional quantity", { items: [{ product: "mouse", quantity: 1.5 }] }],
    ["a quantity over 1,000,000", { items: [{ product: "mouse", quantity: 1_000_001 }] }],
    ["a string quantity", { items: [{ product: "mouse", quantity: "2" }] }],
    ["an empty product id", { items: [{ product: "", quantity: 1 }] }],
    ["skipDemoDelays as a string", { items: [{ product: "mouse", quantity: 1 }], skipDemoDelays: "yes" }],
    ["a JSON array", [1, 2]],
    ["JSON null", null],
  ])("POST /orders with %s is VALIDATION_FAILED", async (_, body) => {
    const t = createTestApp();
    const res = await t.request("POST", "/orders", { body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(countAllRows(t.deps.db).orders).toBe(0);
  });

  test("bodies over 64 KiB answer 413 PAYLOAD_TOO_LARGE, with or without a content length", async () => {
    const t = createTestApp();
    const big = JSON.stringify({ items: [{ product: "x".repeat(70_000), quantity: 1 }] });
    const sized = await t.request("POST", "/orders", { body: big });
    expect(sized.status).toBe(413);
    expect(sized.body.code).toBe("PAYLOAD_TOO_LARGE");

    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new TextEncoder().encode("x".repeat(4096)));
        controller.close();
      },
    });
    const chunked = await t.app.request("/orders", {
      method: "POST",
      headers: { "x-session-id": "s", "content-type": "application/json", "transfer-encoding": "chunked" },
      body: chunks,
    });
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
    expect(countAllRows(t.deps.db).orders).toBe(0);
  });

  test("unknown routes and ids answer JSON 404s", async () => {
    const t = createTestApp();
    expect(await t.request("GET", "/nowhere")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await t.request("GET", "/orders/does-not-exist")).toMatchObject({
      status: 404,
      body: { error: "Order does-not-exist not found", code: "NOT_FOUND" },
    });
    expect(await t.request("GET", "/orders/does-not-exist/events")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
  });

  test("an unexpected failure is a bare 500 with no stack", async () => {
    const t = createTestApp();
    t.deps.db.$client.run("DROP TABLE payments");
    const res = await t.request("GET", "/payments");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: "Internal server error", code: "INTERNAL" });
  });

  test("wait beyond 30 s and limits out of range are validation errors", async () => {
    const t = createTestApp();
    expect((await t.request("GET", "/orders/x?wait=30001")).body.code).toBe("VALIDATION_FAILED");
    expect((await t.request("GET", "/orders?limit=0")).body.code).toBe("VALIDATION_FAILED");
    expect((await t.request("GET", "/events?after=-1")).body.code).toBe("VALIDATION_FAILED");
  });
});
