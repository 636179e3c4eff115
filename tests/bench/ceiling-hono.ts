/**
 * Ceiling A: the cheapest thing this stack can answer, a bare hono GET route on Bun.serve.
 * Started by the benchmark like the real server (PORT=0 on loopback, prints its port).
 */
import { Hono } from "hono";

const app = new Hono().get("/ping", (c) => c.json({ ok: true })).get("/health", (c) => c.json({ status: "ok" }));
const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: process.env.HOST ?? "127.0.0.1", fetch: app.fetch });
console.log(`ceiling A listening on http://${server.hostname}:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
