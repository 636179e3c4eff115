import { Database as SQLite } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = BunSQLiteDatabase<Schema> & { $client: SQLite };
/** The handle a transaction callback receives; services accept either this or the database. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Tx;

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

/** Opens (creating if needed) and migrates the database, with the pragmas the bus relies on. */
export function openDatabase({ path, synchronous = "NORMAL" }: OpenDatabaseOptions): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path, { create: true, strict: true });
  if (path !== ":memory:") sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run(`PRAGMA synchronous = ${synchronous}`);
  sqlite.run("PRAGMA busy_timeout = 5000");
  sqlite.run("PRAGMA foreign_keys = ON");
  // SQLite's default page cache is 2 MB; under load the saga's working set (the recent pages of
  // a dozen tables and indexes) outgrew it and pages were read back from the OS on every round.
  sqlite.run(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
  cacheCompiledStatements(sqlite);
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  return db;
}

/** SQLite's page cache per connection, in KiB (counts towards the process's memory). */
export const PAGE_CACHE_KIB = 32 * 1024;

/** How many distinct SQL texts keep their compiled statement; the least recently used go first. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle's bun-sqlite driver compiles every query it runs with `client.prepare(sql)` and never
 * reuses the statement, so each query pays SQLite's parse and plan again and leaves a statement
 * for the garbage collector to finalize (profiled: about 4x the cost of the query itself). The
 * query builder produces the same SQL text for the same query shape, with values bound as
 * parameters, so compiled statements are reused here by SQL text. Safe because every use runs
 * to completion synchronously (drizzle's run/get/all/values bind all parameters each time and
 * reset the statement); bounded so that shapes with a variable number of parameters (IN lists)
 * cannot grow it without limit. An evicted statement is not finalized: a holder may still use it.
 */
function cacheCompiledStatements(sqlite: SQLite): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, ReturnType<SQLite["prepare"]>>();
  sqlite.prepare = ((sql: string, ...rest: unknown[]) => {
    if (rest.length > 0) return (compile as (...args: unknown[]) => ReturnType<SQLite["prepare"]>)(sql, ...rest);
    const cached = cache.get(sql);
    if (cached) {
      // Re-inserting moves it to the young end of the Map's insertion order.
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const statement = compile(sql);
    cache.set(sql, statement);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return statement;
  }) as SQLite["prepare"];
}
