/**
 * What never-read event streams replaying the heaviest log cost the server:
 * `bun tests/bench/stream-replay-memory.ts` (`STREAMS=8,32,1536` by default).
 *
 * For each figure a fresh server (a child process on a database file) gets one session whose log
 * holds more than the replay cap of the heaviest events the API accepts: orders of 100 lines with
 * 200-character product ids (each of their events is 24–49 KB of JSON). Then N readers ask for
 * `GET /events/stream?after=0` and never read a byte; while they are stalled, more heavy orders
 * arrive (a live backlog). The server's RSS is printed before, with the streams open and stalled,
 * and after they closed. The per-session and per-client stream caps are lifted so one session and
 * one address can open them all: what a stream costs does not depend on whose it is, so N = 1,536
 * (the total cap) is the worst case the limits allow.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer } from "../../src/compose";

const SESSION = "heavy";
/** Three events per order (ORDER_CREATED, INVENTORY_FAILED, ORDER_CANCELLED): 333 orders fill a replay, 999 events of the 1,000 it may hold. */
const ORDERS = Number(process.env.ORDERS ?? 333);
/** Orders placed while the streams are stalled. */
const LIVE_ORDERS = Number(process.env.LIVE_ORDERS ?? 100);

const heavyOrder = {
  items: Array.from({ length: 100 }, (_, i) => ({ product: `${"p".repeat(196)}${String(i).padStart(4, "0")}`, quantity: 1_000_000 })),
  skipDemoDelays: true,
};

if (process.argv[2] === "--serve") {
  const { app, relay } = createSagaServer({
    databasePath: process.argv[3],
    config: { maxOrderLinesPerSession: 1_000_000, maxOrdersPerSession: 1_000_000 },
    streams: { perSession: 1_000_000, perClient: 1_000_000 },
  });
  relay.start();
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 0 });
  console.log(`PORT ${server.port}`);
} else {
  const figures = (process.env.STREAMS ?? "8,32,1536").split(",").map(Number);
  for (const streams of figures) console.log(await measure(streams));
}

async function measure(streams: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "saga-replay-"));
  const child = Bun.spawn(["bun", import.meta.path, "--serve", join(dir, "saga.sqlite")], { stdout: "pipe", stderr: "inherit" });
  try {
    const reader = child.stdout.getReader();
    let out = "";
    while (!out.includes("\n")) out += new TextDecoder().decode((await reader.read()).value);
    const port = Number(/PORT (\d+)/.exec(out)?.[1]);
    const base = `http://127.0.0.1:${port}`;
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]) / 1024;
    /** Streams the server still holds open (a cut-off stream's slot is free at once). */
    const openStreams = async () => Number(/^event_streams_open (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1]);
    const placeOrders = async (count: number) => {
      for (let i = 0; i < count; i += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, count - i) }, () =>
            fetch(`${base}/orders`, {
              method: "POST",
              headers: { "x-session-id": SESSION, "content-type": "application/json" },
              body: JSON.stringify(heavyOrder),
            }).then((r) => r.arrayBuffer()),
          ),
        );
      }
    };
    const settled = async (events: number) => {
      while (true) {
        const page = (await (
          await fetch(`${base}/events?after=${events - 1}&limit=1`, { headers: { "x-session-id": SESSION } })
        ).json()) as unknown[];
        if (page.length > 0) return;
        await Bun.sleep(100);
      }
    };
    await placeOrders(ORDERS);
    await settled(ORDERS * 3);
    await Bun.sleep(1_000);
    const before = rss();
    const sockets: Socket[] = [];
    let reset = 0;
    for (let i = 0; i < streams; i += 1) {
      const socket = connect(port, "127.0.0.1");
      // Loopback's kernel may reset a few stalled connections once its TCP memory (tcp_mem) runs short.
      socket.on("error", () => {
        reset += 1;
      });
      socket.write(`GET /events/stream?session=${SESSION}&after=0 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      socket.pause();
      sockets.push(socket);
      if (i % 64 === 63) await Bun.sleep(50);
    }
    // Until the server has written all it can: its RSS stops moving.
    const samples: number[] = [];
    for (let still = 0; still < 3; ) {
      await Bun.sleep(1_000);
      samples.push(Math.round(rss()));
      still = samples.length > 1 && Math.abs(samples.at(-1)! - samples.at(-2)!) <= 2 ? still + 1 : 0;
    }
    if (process.env.VERBOSE) console.log(`RSS each second: ${samples.join(", ")}`);
    const stalled = rss();
    const openWhileStalled = await openStreams();
    await placeOrders(LIVE_ORDERS);
    await settled((ORDERS + LIVE_ORDERS) * 3);
    await Bun.sleep(2_000);
    const backlog = rss();
    const openAfterBacklog = await openStreams();
    for (const socket of sockets) socket.destroy();
    await Bun.sleep(3_000);
    const closed = rss();
    const mb = (n: number) => `${Math.round(n)} MB`;
    return `${streams} never-read streams at after=0: RSS ${mb(before)} → ${mb(stalled)} stalled (+${mb(stalled - before)}) → ${mb(backlog)} after ${LIVE_ORDERS} more orders (+${mb(backlog - before)}) → ${mb(closed)} once closed; streams open while stalled ${openWhileStalled} (${reset} connections reset), after the orders ${openAfterBacklog}; ≈ ${(((stalled - before) * 1024) / Math.max(1, openWhileStalled)).toFixed(0)} KiB per stalled stream`;
  } finally {
    child.kill();
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
