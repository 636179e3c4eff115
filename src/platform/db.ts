import { Database as SQLite } from "bun:sqlite";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";

/**
 * The process's one SQLite connection, seen two ways: drizzle's query builder (`db.select()…`)
 * for the cold paths, and `db.$client`, bun:sqlite itself, for the hot statements each
 * `*.sql.ts` prepares once. SQLite has one writer, so one connection is all a process needs,
 * and a transaction belongs to the connection: every statement run while `transaction()`'s
 * callback runs, whichever of the two ways it was built, is part of that transaction (or of
 * the innermost savepoint, for a nested call).
 */
export type Database = BunSQLiteDatabase & { $client: SQLite };

export const migrationsFolder = join(import.meta.dir, "../../db/migrations");
export const defaultDatabasePath = join(import.meta.dir, "../../db/saga.sqlite");

export type SynchronousLevel = "OFF" | "NORMAL" | "FULL" | "EXTRA";

export interface OpenDatabaseOptions {
  /** A file path, or ":memory:". */
  path: string;
  /**
   * NORMAL (the default) in WAL mode: a commit survives the process being killed, but the last
   * transactions before an OS crash or power loss may be rolled back (never half-applied).
   */
  synchronous?: SynchronousLevel;
}

/** SQLite's page cache per connection, in KiB (counts towards the process's memory). */
export const PAGE_CACHE_KIB = 32 * 1024;

/**
 * Start-up refused for a reason a person can fix: the message is one line that names
 * `DATABASE_PATH` and the cause, and `main.ts` prints it instead of a stack trace.
 */
export class StartupError extends Error {}

/**
 * Opens (creating if needed) and migrates the database, with the pragmas the bus relies on.
 * Refuses a database written by a newer version of this code (migrations it does not know),
 * and turns any failure to open or migrate into a StartupError naming the path.
 */
export function openDatabase(options: OpenDatabaseOptions): Database {
  try {
    return openAndMigrate(options);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    throw new StartupError(`Cannot use the database at DATABASE_PATH=${options.path}: ${cause}`);
  }
}

/** The migrations this code knows, by the time drizzle-kit stamped each (`meta/_journal.json`). */
function knownMigrations(): Set<number> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] };
  return new Set(journal.entries.map((entry) => entry.when));
}

/** A database that recorded a migration this code does not ship was written by a newer version: refused, untouched. */
function refuseUnknownMigrations(sqlite: SQLite, path: string): void {
  const table = sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return;
  const known = knownMigrations();
  const applied = sqlite.query("SELECT created_at AS createdAt FROM __drizzle_migrations").all() as { createdAt: number }[];
  const unknown = applied.filter((row) => !known.has(Number(row.createdAt)));
  if (unknown.length > 0) {
    throw new StartupError(
      `Cannot use the database at DATABASE_PATH=${path}: it was written by a newer version of this server ` +
        `(${unknown.length} migration(s) this version does not know); upgrade the server, or point DATABASE_PATH at another file`,
    );
  }
}

function openAndMigrate({ path, synchronous = "NORMAL" }: OpenDatabaseOptions): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path, { create: true, strict: true });
  refuseUnknownMigrations(sqlite, path);
  if (path !== ":memory:") sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run(`PRAGMA synchronous = ${synchronous}`);
  sqlite.run("PRAGMA busy_timeout = 5000");
  sqlite.run("PRAGMA foreign_keys = ON");
  // SQLite's default page cache is 2 MB; under load the saga's working set (the recent pages of
  // a dozen tables and indexes) outgrew it and pages were read back from the OS on every round.
  sqlite.run(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
  // Savepoints (one per delivery and per grouped order) keep a statement journal; on a file
  // database SQLite spilled it to a temp file, about 190 of a saga's ~250 pwrites. It is only
  // needed to roll a savepoint back while the process lives, so memory is enough: crash
  // recovery uses the WAL, never the statement journal.
  sqlite.run("PRAGMA temp_store = MEMORY");
  const db = drizzle({ client: sqlite });
  migrate(db, { migrationsFolder });
  return db;
}

/**
 * Runs `work` in a transaction on the connection, or in a savepoint when one is already open:
 * committed (or released) when it returns, rolled back when it throws. `work` must not await
 * (see docs/architecture.md, "Handlers are synchronous").
 */
export function transaction<T>(db: Database, work: () => T): T {
  let inTransaction = transactionRunners.get(db.$client);
  if (!inTransaction) {
    // bun:sqlite builds a new wrapper (with its deferred/immediate/exclusive variants) per call
    // of transaction(); one per connection, taking the work as its argument, is enough.
    inTransaction = db.$client.transaction((run: () => unknown) => run());
    transactionRunners.set(db.$client, inTransaction);
  }
  let levels = openLevels.get(db.$client);
  if (!levels) {
    levels = [];
    openLevels.set(db.$client, levels);
  }
  const level: TransactionLevel = { undo: [], beforeCommit: [], settled: [] };
  levels.push(level);
  const outermost = levels.length === 1;
  const stack = levels;
  try {
    const result = inTransaction(() => {
      const value = work();
      // An array's iterator also visits what a hook appends while it runs.
      if (outermost) for (const hook of level.beforeCommit) hook();
      return value;
    }) as T;
    stack.pop();
    // Released into the enclosing transaction: its undo and its pre-commit work now belong to it.
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.undo.push(...level.undo);
      parent.beforeCommit.push(...level.beforeCommit);
      parent.settled.push(...level.settled);
    } else for (const settle of level.settled) settle();
    return result;
  } catch (error) {
    stack.pop();
    for (const undo of level.undo.toReversed()) undo();
    const parent = stack[stack.length - 1];
    if (parent) parent.settled.push(...level.settled);
    else for (const settle of level.settled) settle();
    throw error;
  }
}
const transactionRunners = new WeakMap<SQLite, (run: () => unknown) => unknown>();

/**
 * What in-memory state tied to an open transaction (or savepoint) registered: undone when it
 * rolls back, run just before the outermost COMMIT, run once the outermost transaction ended.
 */
interface TransactionLevel {
  undo: (() => void)[];
  beforeCommit: (() => void)[];
  settled: (() => void)[];
}
const openLevels = new WeakMap<SQLite, TransactionLevel[]>();

function innermostLevel(db: Database): TransactionLevel | undefined {
  const levels = openLevels.get(db.$client);
  return levels?.[levels.length - 1];
}

/** Whether `transaction()` is running on this connection (so the hooks below apply). */
export const inOpenTransaction = (db: Database): boolean => innermostLevel(db) !== undefined;

/**
 * Ties in-memory state to the open transaction: `undo` runs if the innermost savepoint (or the
 * transaction) it was registered in rolls back, `beforeCommit` inside the outermost transaction
 * just before its COMMIT (its writes commit with it), `settled` once the outermost transaction
 * has committed or rolled back. Throws outside `transaction()`.
 */
export function onTransaction(db: Database, hooks: { undo?: () => void; beforeCommit?: () => void; settled?: () => void }): void {
  const level = innermostLevel(db);
  if (!level) throw new Error("onTransaction outside transaction()");
  if (hooks.undo) level.undo.push(hooks.undo);
  if (hooks.beforeCommit) level.beforeCommit.push(hooks.beforeCommit);
  if (hooks.settled) level.settled.push(hooks.settled);
}

/**
 * Deletes at most `limit` of one session's rows from `table`; answers how many. A wipe calls it
 * until nothing is left, giving way between calls, so no single statement runs for long.
 */
export function deleteSomeSessionRows(db: Database, table: string, sessionId: string, limit: number): number {
  return db.$client.run(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE session_id = ? LIMIT ?)`, [sessionId, limit])
    .changes;
}

/**
 * Deletes every row of one session from each of `tables` (in that order: children before the
 * rows they refer to), inside the caller's transaction; answers how many rows each lost.
 */
export function deleteSessionRows(db: Database, sessionId: string, tables: readonly string[]): Record<string, number> {
  return Object.fromEntries(
    tables.map((table) => [table, db.$client.run(`DELETE FROM ${table} WHERE session_id = ?`, [sessionId]).changes]),
  );
}

/**
 * Every session with a row in any of `tables`, with the latest time its `[table, column]` pairs
 * record (ms since the epoch): what a holder of a session's rows answers when the idle purge asks
 * who is there and since when.
 */
export function lastChangePerSession(
  db: Database,
  tables: readonly (readonly [table: string, column: string])[],
  sessionId?: string,
): { sessionId: string; lastActivity: number }[] {
  // With a session: only its rows are read (the teacher's overview asks for one at a time).
  const where = sessionId === undefined ? "" : " WHERE session_id = $sessionId";
  const union = tables
    .map(([table, column]) => `SELECT session_id, max(${column}) AS at FROM ${table}${where} GROUP BY session_id`)
    .join(" UNION ALL ");
  const query = db.$client.query<{ sessionId: string; lastActivity: number }, Record<string, string>>(
    `SELECT session_id AS sessionId, max(at) AS lastActivity FROM (${union}) GROUP BY session_id`,
  );
  return sessionId === undefined ? query.all({}) : query.all({ sessionId });
}
