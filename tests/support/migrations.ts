import { Database as SQLite } from "bun:sqlite";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { migrationsFolder } from "../../src/platform/db";

/**
 * A database as the first `count` migrations left it, at `path`: what an older release of the
 * server wrote. The migrations are copied to a folder of their own under `scratch`.
 */
export function databaseAtMigration(scratch: string, path: string, count: number): SQLite {
  const folder = join(scratch, `migrations-${count}`);
  mkdirSync(join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(0, count);
  for (const file of readdirSync(migrationsFolder)) {
    if (entries.some((entry) => file === `${entry.tag}.sql`)) copyFileSync(join(migrationsFolder, file), join(folder, file));
  }
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  const sqlite = new SQLite(path, { create: true, strict: true });
  migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
  return sqlite;
}
