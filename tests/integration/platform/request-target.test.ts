import { afterAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { routeByPath } from "../../../src/platform/request-target";

/**
 * routeByPath on a real Bun.serve (in-process, port 0), read from a raw socket: the only way to
 * send a request without Host, which is where Bun hands over a bare path as the URL.
 */
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: routeByPath((request, servedBy) => Response.json({ url: request.url, caller: servedBy.requestIP(request)?.address ?? null })),
});
afterAll(() => server.stop(true));
const port = server.port ?? 0;

function rawRequest(text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))));
  });
}

describe("routeByPath: an HTTP/1.0 request without Host", () => {
  test("gets the server's own origin before its path, and the app still learns the caller's address", async () => {
    const origin = `http://127.0.0.1:${port}`;
    expect(await rawRequest("GET /orders?limit=2 HTTP/1.0\r\n\r\n")).toEqual({
      url: `${origin}/orders?limit=2`,
      caller: "127.0.0.1",
    });
    // A path that starts like an authority stays a path: it names no other host.
    expect(await rawRequest("GET //other/health HTTP/1.0\r\n\r\n")).toEqual({ url: `${origin}//other/health`, caller: "127.0.0.1" });
  });

  test("a request with Host is handed over as it came", async () => {
    expect(await rawRequest("GET /health HTTP/1.0\r\nHost: shop.example:8080\r\n\r\n")).toEqual({
      url: "http://shop.example:8080/health",
      caller: "127.0.0.1",
    });
  });
});
