import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "./support/server-process";

const dir = mkdtempSync(join(tmpdir(), "saga-stalled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Found by attacking the server: 8 streams whose readers stopped reading, and 24,000 events,
 * took the server from 118 MB to 910 MB, held until Bun's idle timeout. A stalled stream is now
 * cut off at the backlog cap (10,000 events), and memory stays bounded. This needs a real
 * process and real sockets: in-process, nothing ever stalls a write.
 */
test("streams whose readers stop reading are cut off at the backlog cap, and the server's memory stays bounded", async () => {
  const server = await startServerProcess(join(dir, "saga.sqlite"), {});
  const { port, hostname } = new URL(server.baseUrl);
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))?.[1]) / 1024;
  const post = (path: string, body: unknown) =>
    fetch(`${server.baseUrl}${path}`, {
      method: "POST",
      headers: { "x-session-id": "stalled", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  try {
    await post("/inventory/seed", { products: [{ id: "widget", name: "Widget", stock_level: 1_000_000_000, price_cents: 1 }] });
    // Eight readers that ask for the stream and then never read a byte of it.
    const stalled: Socket[] = Array.from({ length: 8 }, () => {
      const socket = connect(Number(port), hostname);
      socket.write("GET /events/stream?session=stalled HTTP/1.1\r\nHost: localhost\r\n\r\n");
      socket.pause();
      return socket;
    });
    await Bun.sleep(300);
    const before = rss();
    // 4,000 orders: 20,000 events for each stalled stream, past the 10,000 cap even after what
    // the sockets' kernel buffers absorb.
    const order = { items: [{ product: "widget", quantity: 1 }], skipDemoDelays: true };
    for (let i = 0; i < 800; i += 1) await Promise.all(Array.from({ length: 5 }, () => post("/orders", order)));
    await Bun.sleep(2_000);
    const after = rss();
    // Cut off while still stalled: their slots are free again (a session may hold 8 streams).
    const another = new AbortController();
    const fresh = await fetch(`${server.baseUrl}/events/stream?session=stalled`, { signal: another.signal });
    const freshStatus = fresh.status;
    another.abort();
    // The server has ended each of them: once read again, every socket gets the rest of what was
    // buffered and then the end of the chunked response (or the connection closes).
    const ended = await Promise.all(
      stalled.map(
        (socket) =>
          new Promise<boolean>((resolve) => {
            let tail = "";

            const timer = setTimeout(() => resolve(false), 10_000);
            const done = () => {
              clearTimeout(timer);
              resolve(true);
            };
            socket.on("end", done);
            socket.on("close", done);
            socket.on("error", () => {});
            socket.on("data", (chunk: Buffer) => {
              tail = (tail + chunk.toString("latin1")).slice(-16);
              if (tail.endsWith("\r\n0\r\n\r\n")) done();
            });
            socket.resume();
          }),
      ),
    );
    for (const socket of stalled) socket.destroy();
    console.log(
      `stalled streams: ${JSON.stringify({ beforeMb: Math.round(before), afterMb: Math.round(after), cutOff: ended.filter(Boolean).length })}`,
    );
    expect(freshStatus).toBe(200);
    expect(ended).toEqual(Array(8).fill(true));
    expect(after - before).toBeLessThan(150);
  } finally {
    server.child.kill();
  }
}, 120_000);
