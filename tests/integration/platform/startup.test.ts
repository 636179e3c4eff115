import { Database as SQLite } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environment, readServerConfig } from "../../../src/platform/config";
import { openDatabase, StartupError } from "../../../src/platform/db";
import { lockDatabase } from "../../../src/platform/db-lock";

const dir = mkdtempSync(join(tmpdir(), "saga-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the real server process on `DATABASE_PATH` and answers how it ended (it must refuse, not serve). */
async function startServer(databasePath: string, env: Record<string, string> = {}) {
  const child = Bun.spawn(["bun", "src/main.ts"], {
    env: { ...process.env, PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: databasePath, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill(), 10_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, stderr: (await new Response(child.stderr).text()).trim() };
}

describe("start-up refusals: one clear line naming DATABASE_PATH, exit code 1", () => {
  test("a file that is not a database", async () => {
    const path = join(dir, "not-a-database.sqlite");
    writeFileSync(path, "this is a text file, not SQLite ".repeat(100));
    const { code, stderr } = await startServer(path);
    expect(code).toBe(1);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toContain(`DATABASE_PATH=${path}`);
    expect(stderr).toMatch(/not a database/i);
  });

  test("a folder it cannot create or write to", async () => {
    // A regular file where the folder should be refuses even root; a read-only folder refuses
    // everyone else (root writes anywhere, so that case runs only as another user).
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const paths = [join(file, "saga.sqlite")];
    if (process.getuid?.() !== 0) {
      const readOnly = join(dir, "read-only");
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o500);
      paths.push(join(readOnly, "saga.sqlite"));
    }
    for (const path of paths) {
      const { code, stderr } = await startServer(path);
      expect(code).toBe(1);
      expect(stderr.split("\n")).toHaveLength(1);
      expect(stderr).toContain(`DATABASE_PATH=${path}`);
    }
  });

  test("a bad environment variable", async () => {
    const { code, stderr } = await startServer(join(dir, "env.sqlite"), { PORT: "not-a-port" });
    expect(code).toBe(1);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toStartWith("Invalid environment: PORT");
  });
});

describe("STREAMS_PER_ADDRESS: the open event streams one client address may hold", () => {
  test("given nothing, when the environment is read, then a class of 30 behind one NAT fits with two tabs each (64)", () => {
    expect(readServerConfig({}).streamsPerAddress).toBe(64);
  });

  test("given a number from 1 to the server's total (1536), when the environment is read, then it is the cap", () => {
    expect(readServerConfig({ STREAMS_PER_ADDRESS: "200" }).streamsPerAddress).toBe(200);
    expect(readServerConfig({ STREAMS_PER_ADDRESS: "1" }).streamsPerAddress).toBe(1);
    expect(readServerConfig({ STREAMS_PER_ADDRESS: "1536" }).streamsPerAddress).toBe(1536);
  });

  test("given zero, a fraction, a word or more than the total, when the environment is read, then start-up is refused naming it", () => {
    for (const bad of ["0", "2.5", "lots", "1537", "-3"])
      expect(() => readServerConfig({ STREAMS_PER_ADDRESS: bad })).toThrow(/^Invalid environment: STREAMS_PER_ADDRESS: /);
  });

  test("given STREAMS_PER_ADDRESS=2, when one address opens a third stream, then the served process answers 429", async () => {
    const child = Bun.spawn(["bun", "src/main.ts"], {
      env: {
        ...process.env,
        PORT: "0",
        GRPC_PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_PATH: join(dir, "cap.sqlite"),
        STREAMS_PER_ADDRESS: "2",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const streams = new AbortController();
    try {
      const reader = child.stdout.getReader();
      let out = "";
      while (!/listening on http:\/\/[^:]+:\d+/.test(out)) out += new TextDecoder().decode((await reader.read()).value);
      const base = `http://127.0.0.1:${/listening on http:\/\/[^:]+:(\d+)/.exec(out)?.[1]}`;
      // Two sessions, so the per-session cap (8) is not what refuses.
      const open = (session: string) => fetch(`${base}/events/stream?session=${session}`, { signal: streams.signal });
      expect((await open("nat-a")).status).toBe(200);
      expect((await open("nat-b")).status).toBe(200);
      const third = await open("nat-c");
      expect(third.status).toBe(429);
      expect(((await third.json()) as { code: string }).code).toBe("RATE_LIMITED");
    } finally {
      streams.abort();
      child.kill("SIGKILL");
      await child.exited;
    }
  });

  test("a bad value stops the process with one line naming the variable, exit code 1", async () => {
    const { code, stderr } = await startServer(join(dir, "streams.sqlite"), { STREAMS_PER_ADDRESS: "none" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toStartWith("Invalid environment: STREAMS_PER_ADDRESS");
  });
});

describe("a database written by a newer schema", () => {
  test("is refused at start-up, untouched, with a clear message (a renamed column and a later migration)", async () => {
    const path = join(dir, "newer.sqlite");
    openDatabase({ path }).$client.close();
    const raw = new SQLite(path);
    raw.run("ALTER TABLE orders RENAME COLUMN total_cents TO total_amount_cents");
    raw.run("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', 4102444800000)");
    raw.close();
    let refusal: unknown;
    try {
      openDatabase({ path });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StartupError);
    expect((refusal as Error).message).toContain(`DATABASE_PATH=${path}`);
    expect((refusal as Error).message).toContain("newer version");
    const after = new SQLite(path);
    // Nothing was migrated or changed: this version's migrations and the future one, as they were.
    const journal = (await Bun.file("db/migrations/meta/_journal.json").json()) as { entries: unknown[] };
    expect((after.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n).toBe(journal.entries.length + 1);
    expect(after.query("SELECT name FROM pragma_table_info('orders') WHERE name = 'total_amount_cents'").get()).toBeTruthy();
    after.close();
  });

  test("this version's own database opens again, however often", () => {
    const path = join(dir, "same.sqlite");
    for (let i = 0; i < 3; i += 1) openDatabase({ path }).$client.close();
  });
});

describe("one server per database file", () => {
  test("a second process is refused, naming the one that serves it; the lock of a killed process is gone with it", async () => {
    const path = join(dir, "shared.sqlite");
    const first = Bun.spawn(["bun", "src/main.ts"], {
      env: { ...process.env, PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: path },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      // Wait until it serves (it prints its address).
      const reader = first.stdout.getReader();
      let out = "";
      while (!out.includes("listening")) out += new TextDecoder().decode((await reader.read()).value);
      const second = await startServer(path);
      expect(second.code).toBe(1);
      expect(second.stderr.split("\n")).toHaveLength(1);
      expect(second.stderr).toContain(`process ${first.pid} is serving it`);
    } finally {
      first.kill("SIGKILL");
      await first.exited;
    }
    // The first was killed: the kernel dropped its lock, so the next one takes it.
    const release = lockDatabase(path);
    expect(() => lockDatabase(path, process.pid + 1_000_000)).toThrow(`process ${process.pid} is serving it`);
    release();
    lockDatabase(path)();
  });
});

describe("configuration: one table of every environment variable", () => {
  test("--help prints every variable with its default and meaning, and starts nothing", async () => {
    const child = Bun.spawn(["bun", "src/main.ts", "--help"], { stdout: "pipe", stderr: "pipe" });
    expect(await child.exited).toBe(0);
    const help = await new Response(child.stdout).text();
    for (const [name, v] of Object.entries(environment))
      expect(help).toMatch(new RegExp(`^  ${name} +${v.default.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} +`, "m"));
  });

  test("each default as the table shows it is the schema's default", () => {
    const defaults = readServerConfig({});
    const asTyped = Object.fromEntries(
      Object.entries(environment)
        .filter(([name, v]) => v.default !== "unset" && name !== "DATABASE_PATH")
        .map(([name, v]) => [name, v.default]),
    );
    expect(readServerConfig(asTyped)).toEqual(defaults);
    expect(defaults.databasePath.endsWith(environment.DATABASE_PATH.default)).toBe(true);
    expect(defaults.teacherToken).toBeNull();
  });

  test("docs/configuration.md shows the same table", () => {
    const doc = readFileSync(join(import.meta.dir, "../../../docs/configuration.md"), "utf8");
    const rows = doc.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).toEqual(Object.entries(environment).map(([name, v]) => `| \`${name}\` | \`${v.default}\` | ${v.meaning} |`));
  });
});
