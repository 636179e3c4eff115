/**
 * The real server, with counters for the benchmark's per-saga table: statements executed, rows
 * written and B-tree entries written. Only the benchmark starts it (never `npm start`): to count
 * statements it wraps bun:sqlite's Statement methods, which product code must never do.
 *
 * `kill -USR2 <pid>` writes the counters as JSON to BENCH_STATS_FILE.
 *
 * - statements: every run/get/all/values of a prepared statement, plus `Database.run`/`exec`
 *   (pragmas); bun:sqlite's transactions (BEGIN, SAVEPOINT, RELEASE, COMMIT) are included.
 * - rows written: SQLite's own `total_changes()` (inserts, updates and deletes, rolled back or not).
 * - B-tree entries: per row SQLite reports through its update hooks, 1 for the table plus 1 per
 *   index of that table for an insert or delete, 1 for an update (no hot-path update changes an
 *   indexed column). Rows the hooks do not report (WITHOUT ROWID tables) count 1 each.
 */
import { writeFileSync } from "node:fs";
import { readServerConfig } from "../../src/platform/config";
import { openDatabase } from "../../src/platform/db";
import { serve } from "../../src/serve";
import { timeParts, timeStatement, timeTransactions, timings } from "./timings";

const config = readServerConfig(process.env);
const db = openDatabase({ path: config.databasePath, synchronous: config.synchronous });
const sqlite = db.$client;

let statements = 0;
// bun:sqlite gives every statement its own run/get/all/values/iterate, so each statement the
// connection hands out is wrapped once.
const counted = new WeakSet<object>();
const timed = process.env.BENCH_TIMINGS === "1";
if (timed) {
  timeParts();
  timeTransactions(sqlite as unknown as Parameters<typeof timeTransactions>[0]);
}
function countCalls<T extends object>(statement: T, sql: unknown): T {
  if (counted.has(statement)) return statement;
  counted.add(statement);
  if (timed) timeStatement(statement, String(sql));
  const methods = statement as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ["run", "get", "all", "values", "iterate"]) {
    const original = methods[method]!.bind(statement);
    methods[method] = (...args: unknown[]) => {
      statements += 1;
      return original(...args);
    };
  }
  return statement;
}
const connection = sqlite as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const method of ["prepare", "query"]) {
  const original = connection[method]!.bind(sqlite);
  connection[method] = (...args: unknown[]) => countCalls(original(...args) as object, args[0]);
}
for (const method of ["run", "exec"]) {
  const original = connection[method]!.bind(sqlite);
  connection[method] = (...args: unknown[]) => {
    statements += 1;
    return original(...args);
  };
}

const indexesOf = new Map(
  (
    sqlite.query("SELECT tbl_name AS name, count(*) AS n FROM sqlite_master WHERE type = 'index' GROUP BY tbl_name").all() as {
      name: string;
      n: number;
    }[]
  ).map((row) => [row.name, row.n]),
);
let hookedRows = 0;
let btreeEntries = 0;
sqlite.onInsert = (_db, table) => {
  hookedRows += 1;
  btreeEntries += 1 + (indexesOf.get(table) ?? 0);
};
sqlite.onDelete = (_db, table) => {
  hookedRows += 1;
  btreeEntries += 1 + (indexesOf.get(table) ?? 0);
};
sqlite.onUpdate = () => {
  hookedRows += 1;
  btreeEntries += 1;
};
const totalChanges = sqlite.prepare<{ n: number }, []>("SELECT total_changes() AS n");

process.on("SIGUSR2", () => {
  const rows = totalChanges.get()!.n;
  const file = process.env.BENCH_STATS_FILE;
  if (!file) return;
  writeFileSync(file, JSON.stringify({ statements, rows, btreeEntries: btreeEntries + Math.max(0, rows - hookedRows), timings }));
});

serve(config, db);
