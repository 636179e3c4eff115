/**
 * How much memory an open, idle event stream costs the server: `bun tests/bench/streams-memory.ts`.
 * Starts a server (in a child process, with the stream caps lifted), opens N idle streams across
 * many sessions from one client, and prints the server's RSS before and after. The figure sets
 * the total stream cap (src/live/event-stream.ts).
 */
import { readFileSync } from "node:fs";
import { createSagaServer } from "../../src/compose";

const STREAMS = Number(process.env.STREAMS ?? 2_000);

if (process.argv[2] !== "--serve" && process.env.BUN_CONFIG_MAX_HTTP_REQUESTS === undefined) {
  // Bun's fetch opens at most 256 connections at once unless told otherwise: the client runs again, told.
  const client = Bun.spawn(["bun", import.meta.path], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(STREAMS * 2) },
    stdout: "inherit",
    stderr: "inherit",
  });
  process.exit(await client.exited);
} else if (process.argv[2] === "--serve") {
  const { app, relay } = createSagaServer({ streams: { perSession: 1_000_000, perClient: 1_000_000, total: 1_000_000 } });
  relay.start();
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, idleTimeout: 0 });
  console.log(`PORT ${server.port}`);
} else {
  const child = Bun.spawn(["bun", import.meta.path, "--serve"], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) out += new TextDecoder().decode((await reader.read()).value);
  const port = Number(/PORT (\d+)/.exec(out)?.[1]);
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]) / 1024;
  await Bun.sleep(300);
  Bun.gc(true);
  const before = rss();
  const controllers: AbortController[] = [];
  const readers: Promise<unknown>[] = [];
  for (let i = 0; i < STREAMS; i += 1) {
    const controller = new AbortController();
    controllers.push(controller);
    const response = await fetch(`http://127.0.0.1:${port}/events/stream?session=mem-${i % 500}`, { signal: controller.signal });
    const body = response.body!.getReader();
    await body.read(); // `ready`: the stream is open
    readers.push(body.read().catch(() => {}));
  }
  await Bun.sleep(1_000);
  const after = rss();
  for (const controller of controllers) controller.abort();
  child.kill();
  const perStream = ((after - before) * 1024) / STREAMS;
  console.log(
    `Open idle event streams: ${STREAMS}; server RSS ${before.toFixed(1)} MB → ${after.toFixed(1)} MB; ≈ ${perStream.toFixed(1)} KiB per stream`,
  );
  process.exit(0);
}
