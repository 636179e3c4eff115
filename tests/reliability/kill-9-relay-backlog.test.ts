import { Database as SQLite } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { createSagaServer } from "../../src/compose";
import { defaultCatalog } from "../../src/modules/inventory/catalog";
import { restartableServer } from "./support/server-process";

/**
 * kill -9 aimed at the relay's two records of what it has done: its cursor in the event log
 * and its schedule of delayed deliveries. Each round, a burst of orders is acknowledged and the
 * server is killed at once, while events wait past the cursor and demo delays wait in the
 * schedule. Before each restart the file is read to prove the kill left work in both places;
 * after the last one, every acknowledged saga must finish and the books must balance.
 * Loopback only; bounded in rounds, orders and time.
 */
const rounds = Number(process.env.FUZZ === "1" ? 12 : 4);
const burst = 200;
const sessions = Array.from({ length: 4 }, (_, i) => `backlog-${i}`);

const server = restartableServer("saga-kill9-backlog-", { INVENTORY_DELAY_MS: "300", PAYMENT_DELAY_MS: "300" });
const { databasePath } = server;

/** What the relay had not done yet when the process died, read from the file as the next process will. */
function workLeftInFile(): { unread: number; scheduled: number } {
  const sqlite = new SQLite(databasePath);
  try {
    const unread = sqlite.query("SELECT count(*) AS n FROM events WHERE seq > (SELECT last_seq FROM relay_cursor)").get() as { n: number };
    const scheduled = sqlite.query("SELECT count(*) AS n FROM deliveries").get() as { n: number };
    return { unread: unread.n, scheduled: scheduled.n };
  } finally {
    sqlite.close();
  }
}

describe("kill -9 while the relay has a backlog", () => {
  test(`${rounds} kills with deliveries in the schedule (and events past the cursor, when a kill lands there): every acknowledged saga finishes`, async () => {
    let base = await server.start();
    for (const session of sessions) {
      expect((await fetch(`${base}/inventory/seed`, { method: "POST", headers: { "x-session-id": session } })).status).toBe(200);
    }
    const acknowledged: { session: string; id: string }[] = [];
    const leftAtKill: { unread: number; scheduled: number }[] = [];

    for (let round = 0; round < rounds; round += 1) {
      // Half the orders skip the demo delays (their reactions run as the cursor passes), half
      // wait 300 ms (their reactions wait in the schedule).
      const placed = await Promise.all(
        Array.from({ length: burst }, async (_, n) => {
          const session = sessions[n % sessions.length]!;
          const product = defaultCatalog[n % defaultCatalog.length]!.id;
          const response = await fetch(`${base}/orders`, {
            method: "POST",
            headers: { "x-session-id": session, "content-type": "application/json" },
            body: JSON.stringify({ items: [{ product, quantity: 1 }], skipDemoDelays: n % 2 === 0 }),
          });
          expect(response.status).toBe(200);
          return { session, id: ((await response.json()) as { id: string }).id };
        }),
      );
      acknowledged.push(...placed);
      await server.stop();
      leftAtKill.push(workLeftInFile());
      base = await server.start();
    }

    // The kills landed where they were aimed: work was left in the schedule. Past the cursor there
    // is work only when a kill falls between a commit and the relay's round: since the orders of
    // a turn and the round share one commit, a quiet machine rarely leaves any, so it is only told.
    expect(leftAtKill.some((left) => left.scheduled > 0)).toBe(true);
    console.log(`kill -9 with a backlog: left at each kill ${JSON.stringify(leftAtKill)}`);

    const deadline = Date.now() + 15_000;
    let unfinished: string[] = [];
    do {
      unfinished = [];
      for (const session of sessions) {
        const listed = (await (await fetch(`${base}/orders?limit=1000`, { headers: { "x-session-id": session } })).json()) as {
          id: string;
          status: string;
        }[];
        const status = new Map(listed.map((o) => [o.id, o.status]));
        for (const order of acknowledged.filter((o) => o.session === session)) {
          const now = status.get(order.id);
          if (now !== "COMPLETED" && now !== "CANCELLED") unfinished.push(`${order.id}: ${now ?? "missing"}`);
        }
      }
      if (unfinished.length === 0) break;
      await Bun.sleep(100);
    } while (Date.now() < deadline);
    expect(unfinished).toEqual([]);

    await server.stop("SIGTERM");
    const audit = createSagaServer({ databasePath });
    try {
      const initialStock = new Map(sessions.map((s) => [s, new Map(defaultCatalog.map((p) => [p.id, p.stock_level]))]));
      expect(audit.checkConsistency({ initialStock, settled: true })).toEqual({ consistent: true, violations: [] });
      // Nothing is left to deliver: each order's deadline went when the order became final.
      const left = audit.deps.db.$client.query("SELECT reaction, count(*) AS n FROM deliveries GROUP BY reaction").all() as {
        reaction: string;
        n: number;
      }[];
      expect(left).toEqual([]);
      expect(audit.relay.pendingCount()).toBe(0);
    } finally {
      audit.deps.db.$client.close();
    }
    const stderr = await server.stderr();
    expect(stderr.split("\n").filter((line) => /relay|fail|error|exception/i.test(line))).toEqual([]);
    console.log(`kill -9 with a backlog: ${JSON.stringify({ rounds, acknowledged: acknowledged.length, leftAtKill })}`);
  }, 90_000);
});
