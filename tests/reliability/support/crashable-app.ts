import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSagaServer, type SagaServer } from "../../../src/compose";
import { ManualClock } from "../../../src/platform/clock";
import type { Ids } from "../../../src/platform/ids";
import { seededRandom } from "../../../src/platform/random";
import { type Answer, requestApp } from "../../support/http";

/** Every table the saga writes, each keyed by session_id. */
export { allTables } from "../../support/db-snapshot";

import { allTables } from "../../support/db-snapshot";

/**
 * An app on a database file in a fresh temp folder that can "crash": the process's view
 * (app, bus, relay, sqlite handle) is dropped without draining anything, and a new one is
 * built on the same file, exactly as a restart would. Clock, ids and randomness survive the
 * crash because they stand for the outside world, not for the process.
 */
export class CrashableApp {
  readonly clock = new ManualClock();
  readonly dir = mkdtempSync(join(tmpdir(), "saga-model-"));
  readonly path = join(this.dir, "saga.sqlite");
  /** Anything a reaction threw: a healthy saga never throws, so tests report these. */
  readonly relayErrors: string[] = [];
  crashes = 0;
  server: SagaServer;
  private readonly ids: Ids;
  private readonly random: () => number;

  private readonly teacherToken?: string;

  /** `teacherToken`: the teacher's routes answer to it (the fuzzer posts to them). */
  constructor(seed: number, memory = false, options: { teacherToken?: string } = {}) {
    this.teacherToken = options.teacherToken;
    let n = 0;
    // Unique across crashes (a restarted process must not reuse ids), and time-sortable.
    this.ids = { uuid: () => `00000000-0000-7000-8000-${(++n).toString(16).padStart(12, "0")}` };
    this.random = seededRandom(seed);
    if (memory) this.path = ":memory:";
    this.server = this.build();
  }

  private build(): SagaServer {
    return createSagaServer({
      databasePath: this.path,
      synchronous: "OFF",
      clock: this.clock,
      ids: this.ids,
      random: this.random,
      teacherToken: this.teacherToken,
      relay: { log: (message, error) => this.relayErrors.push(`${message}: ${error instanceof Error ? error.message : String(error)}`) },
    });
  }

  /** Drops the running process on the floor (committed but undelivered events stay in the file) and starts a new one. */
  crash(): void {
    if (this.path === ":memory:") throw new Error("an in-memory app cannot crash and come back");
    this.server.deps.db.$client.close();
    this.server = this.build();
    this.crashes += 1;
  }

  get db() {
    return this.server.deps.db;
  }

  get sqlite() {
    return this.server.deps.db.$client;
  }

  async request(
    method: string,
    path: string,
    session: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return requestApp(this.server.app, method, path, { session, body, headers });
  }

  /** Delivers everything, moving the clock to each next due time; false when the bus would not go quiet. */
  drain(maxRounds = 5_000): boolean {
    for (let round = 0; round < maxRounds; round += 1) {
      this.server.relay.runDue();
      const next = this.server.relay.nextDueAt();
      if (next === null) return true;
      this.clock.set(Math.max(this.clock.now(), next));
    }
    return false;
  }

  /** A fingerprint of every row a session owns, to prove other sessions' commands left it alone. */
  sessionDigest(sessionId: string): string {
    const parts = allTables.map((table) =>
      JSON.stringify(this.sqlite.query(`SELECT * FROM ${table} WHERE session_id = ? ORDER BY rowid`).all(sessionId)),
    );
    return Bun.hash(parts.join("\n")).toString(16);
  }

  rowCounts(): Record<string, number> {
    return Object.fromEntries(allTables.map((t) => [t, (this.sqlite.query(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  }

  close(): void {
    try {
      this.server.deps.db.$client.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
