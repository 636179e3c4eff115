import { Database as SQLite } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { createSagaServer } from "../../src/compose";
import { defaultCatalog } from "../../src/modules/inventory/catalog";
import { seededRandom } from "../../src/platform/random";
import { restartableServer } from "./support/server-process";

/**
 * The real server as a child process on a database file, under load from many sessions,
 * killed with SIGKILL at random moments and restarted on the same file. Every order it
 * acknowledged must survive and every saga must finish soon after the last restart.
 * Loopback only, bounded in kills, requests and time.
 */
const kills = Number(process.env.KILL_COUNT ?? (process.env.FUZZ === "1" ? 15 : 6));
const sessions = Array.from({ length: 8 }, (_, i) => `kill9-${i}`);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const random = seededRandom(seed);

const server = restartableServer("saga-kill9-", { INVENTORY_DELAY_MS: "200", PAYMENT_DELAY_MS: "300" });
const { databasePath } = server;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("kill -9 under load", () => {
  test(`${kills} SIGKILLs at random moments lose no acknowledged order, and every saga finishes`, async () => {
    const started = Date.now();
    let base = await server.start();
    const acknowledged = new Map<string, Set<string>>(sessions.map((s) => [s, new Set()]));
    const stats = { seed, kills: 0, sent: 0, acknowledged: 0, failedInFlight: 0 };

    for (const session of sessions) {
      const seeded = await fetch(`${base}/inventory/seed`, { method: "POST", headers: { "x-session-id": session } });
      expect(seeded.status).toBe(200);
    }

    let loading = true;
    const client = async (session: string, index: number) => {
      while (loading) {
        const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          product: defaultCatalog[Math.floor(random() * defaultCatalog.length)]!.id,
          quantity: 1 + Math.floor(random() * 3),
        }));
        const body = {
          items,
          // Demo delays off for half the sessions, on (short) for the others.
          skipDemoDelays: index % 2 === 0,
          // Half the sessions orchestrated (with and without delays): the saga log moves with its commands.
          sagaStyle: index % 4 < 2 ? "choreography" : "orchestration",
          paymentBehaviour: (["success", "success", "failure", "random"] as const)[Math.floor(random() * 4)],
        };
        stats.sent += 1;
        try {
          const response = await fetch(`${base}/orders`, {
            method: "POST",
            headers: { "x-session-id": session, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
          if (response.status === 200) {
            const order = (await response.json()) as { id: string };
            acknowledged.get(session)!.add(order.id);
            stats.acknowledged += 1;
          } else {
            throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
          }
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("POST /orders answered")) throw error;
          // The server is down (being killed or restarting): not acknowledged, so nothing is owed.
          stats.failedInFlight += 1;
          await sleep(50);
        }
        await sleep(5 + Math.floor(random() * 20));
      }
    };
    const clients = sessions.map((session, i) => client(session, i));

    for (let k = 0; k < kills; k += 1) {
      await sleep(400 + Math.floor(random() * 1_200));
      await server.stop();
      stats.kills += 1;
      base = await server.start();
    }
    const lastRestart = Date.now();
    loading = false;
    await Promise.all(clients);

    // Every acknowledged order exists and reaches COMPLETED or CANCELLED within 10 s of the last restart.
    const unfinished = new Set<string>();
    const missing = new Set<string>();
    do {
      unfinished.clear();
      missing.clear();
      for (const session of sessions) {
        // Every page of the session's orders (the list is paged: a Link header names the next).
        const listed: { id: string; status: string }[] = [];
        for (let next: string | null = "/orders?limit=1000"; next !== null; ) {
          const page: Response = await fetch(`${base}${next}`, { headers: { "x-session-id": session } });
          listed.push(...((await page.json()) as { id: string; status: string }[]));
          next = page.headers.get("link")?.match(/^<([^>]+)>; rel="next"$/)?.[1] ?? null;
        }
        const byId = new Map(listed.map((o) => [o.id, o.status]));
        for (const id of acknowledged.get(session)!) {
          const status = byId.get(id);
          if (status === undefined) missing.add(`${session}/${id}`);
          else if (status !== "COMPLETED" && status !== "CANCELLED") unfinished.add(`${session}/${id}`);
        }
      }
      if (missing.size === 0 && unfinished.size === 0) break;
      await sleep(200);
    } while (Date.now() - lastRestart < 10_000);
    const settledAfterMs = Date.now() - lastRestart;

    expect([...missing]).toEqual([]);
    expect([...unfinished]).toEqual([]);
    expect(settledAfterMs).toBeLessThan(10_000);

    await server.stop("SIGTERM");
    const sqlite = new SQLite(databasePath);
    try {
      expect(sqlite.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    } finally {
      sqlite.close();
    }
    // The books balance too: nothing was reset, so each session still holds the default catalog's units.
    // The database is opened as a restarted server would open it, without starting its relay.
    const initialStock = new Map(sessions.map((s) => [s, new Map(defaultCatalog.map((p) => [p.id, p.stock_level]))]));
    const audit = createSagaServer({ databasePath });
    try {
      const report = audit.checkConsistency({ initialStock, settled: true });
      expect(report).toEqual({ consistent: true, violations: [] });
      // Every order's row is the fold of its stream: the crashes never left a row and its events apart.
      for (const session of sessions) {
        const rebuild = await audit.app.request("/orders/projection/rebuild", { method: "POST", headers: { "x-session-id": session } });
        expect(await rebuild.json()).toMatchObject({ identical: true, differences: [] });
      }
    } finally {
      audit.deps.db.$client.close();
    }
    const stderr = await server.stderr();
    expect(stderr.split("\n").filter((line) => /relay|fail|error|exception/i.test(line))).toEqual([]);
    expect(stats.kills).toBeGreaterThanOrEqual(5);
    expect(stats.acknowledged).toBeGreaterThan(0);
    console.log(`kill -9: ${JSON.stringify({ ...stats, settledAfterMs, totalMs: Date.now() - started })}`);
  }, 60_000);
});
