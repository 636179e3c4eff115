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
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  return db;
}
