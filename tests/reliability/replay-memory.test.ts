import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "./support/server-process";

const dir = mkdtempSync(join(tmpdir(), "saga-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Found by attacking the server: a replay (`?after=0`) loaded up to 1,000 events at once, and the
 * events of 100-line orders are 24–49 KB each, so 8 streams that never read took the server from
 * about 130 MB to 370 MB (32: to 1.1 GB, kept after they closed). A stream now reads the log a
 * page at a time, when the socket takes it. This needs a real process and real sockets: in-process,
 * nothing ever stalls a write.
 */
test("8 never-read streams replaying a log of 100-line orders cost the server a few MB, not hundreds", async () => {
  const server = await startServerProcess(join(dir, "saga.sqlite"), {});
  const { port, hostname } = new URL(server.baseUrl);
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))?.[1]) / 1024;
  const session = "replay-memory";
  // The heaviest order the API takes: 100 lines of 200-character product ids (unknown, so each
  // saga is ORDER_CREATED, INVENTORY_FAILED listing every line, ORDER_CANCELLED).
  const heavyOrder = {
    items: Array.from({ length: 100 }, (_, i) => ({ product: `${"p".repeat(196)}${String(i).padStart(4, "0")}`, quantity: 1 })),
    skipDemoDelays: true,
  };
  const post = () =>
    fetch(`${server.baseUrl}/orders`, {
      method: "POST",
      headers: { "x-session-id": session, "content-type": "application/json" },
      body: JSON.stringify(heavyOrder),
    }).then((response) => response.status);
  try {
    // The session's quota of order lines: 200 such orders, 600 events, about 19 MB of JSON.
    const statuses: number[] = [];
    for (let i = 0; i < 200; i += 10) statuses.push(...(await Promise.all(Array.from({ length: 10 }, post))));
    expect(statuses).toEqual(Array(200).fill(200));
    const lastEvent = async () =>
      ((await (await fetch(`${server.baseUrl}/events?after=599&limit=1`, { headers: { "x-session-id": session } })).json()) as unknown[])
        .length;
    while ((await lastEvent()) === 0) await Bun.sleep(100);
    await Bun.sleep(500);
    const before = rss();
    const stalled: Socket[] = Array.from({ length: 8 }, () => {
      const socket = connect(Number(port), hostname);
      socket.on("error", () => {});
      socket.write(`GET /events/stream?session=${session}&after=0 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      socket.pause();
      return socket;
    });
    await Bun.sleep(2_000);
    const during = rss();
    for (const socket of stalled) socket.destroy();
    console.log(`never-read replays: ${JSON.stringify({ beforeMb: Math.round(before), duringMb: Math.round(during) })}`);
    expect(during - before).toBeLessThan(40);
  } finally {
    server.child.kill();
  }
}, 120_000);
