import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerProcess, startServerProcess } from "./support/server-process";

/**
 * HTTP/1.0 requests that send no Host header (health probes do), from a raw socket against the
 * real server process: each is routed by its own path, exactly as it would be with a Host.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-http10-"));
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess(join(dir, "saga.sqlite"), {});
}, 30_000); // starts the real server process (up to 15 s on a busy machine)
afterAll(() => {
  server.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** One request without a usable Host (none for HTTP/1.0, an empty one for HTTP/1.1), on a connection the server closes after answering. */
function withoutHost(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = "",
  version = "HTTP/1.0",
): Promise<{ status: number; json: unknown }> {
  const { hostname, port } = new URL(server.baseUrl);
  const head = Object.entries({ ...headers, ...(body ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(Number(port), hostname, () => socket.write(`${method} ${target} ${version}\r\n${head}\r\n${body}`));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const statusLine = answer.slice(0, answer.indexOf("\r\n"));
      resolve({ status: Number(statusLine.split(" ")[1]), json: JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) });
    });
  });
}

describe("an HTTP/1.0 request without Host", () => {
  test("is routed by its path: /health, a session's lists, an order placed and read back", async () => {
    const session = { "x-session-id": "http10" };
    expect(await withoutHost("GET", "/health")).toEqual({
      status: 200,
      json: {
        status: "ok",
        service: "saga-workshop-server",
        modules: ["orders", "inventory", "payments", "notifications", "shipping", "orchestrator"],
      },
    });
    expect(await withoutHost("GET", "/orders", session)).toEqual({ status: 200, json: [] });
    expect((await withoutHost("POST", "/inventory/seed", session)).status).toBe(200);
    expect((await withoutHost("GET", "/inventory/stats", session)).status).toBe(200);

    const placed = await withoutHost(
      "POST",
      "/orders",
      { ...session, "Content-Type": "application/json" },
      JSON.stringify({ items: [{ product: "mouse", quantity: 1 }] }),
    );
    expect(placed.status).toBe(200);
    const { id } = placed.json as { id: string };
    expect(await withoutHost("GET", `/orders?limit=1`, session)).toEqual({ status: 200, json: [expect.objectContaining({ id })] });
    expect((await withoutHost("GET", `/orders/${id}`, session)).json).toEqual(expect.objectContaining({ id, sessionId: "http10" }));
  });

  test("HTTP/1.1 with an empty Host is routed by its path too (HTTP/1.1 with none is refused by Bun itself)", async () => {
    expect((await withoutHost("GET", "/health", { Host: "", Connection: "close" }, "", "HTTP/1.1")).status).toBe(200);
  });

  test("an unknown path is a 404 naming that very path, never a route found in a fragment of it", async () => {
    expect(await withoutHost("GET", "/nowhere/health")).toEqual({
      status: 404,
      json: { error: "No route for GET /nowhere/health", code: "NOT_FOUND" },
    });
    expect(await withoutHost("GET", "//other/health")).toEqual({
      status: 404,
      json: { error: "No route for GET //other/health", code: "NOT_FOUND" },
    });
  });
});
