/**
 * The bench's second table: where one completed saga's server CPU goes, item by item, against
 * the 200 µs a saga may cost at 5,000 sagas/s. Read from the timers of tests/bench/timings.ts
 * (wall clock around each call, so a call preempted by the other process runs long) and the
 * server's CPU time; what no timer covers is the last row.
 */

/** Per timer: calls and total ms, as the instrumented server writes them. */
export type Timings = Record<string, [number, number]>;

export interface AttributionRow {
  item: string;
  usPerSaga: number;
  callsPerSaga: number;
}

/** Server CPU per saga that 5,000 sagas/s allows on the server's one JavaScript thread. */
export const TARGET_US_PER_SAGA = 200;

/**
 * The item a timer belongs to. Statements are grouped by the table they touch first, with
 * what they do to it (`events: INSERT`); the transaction wrappers and named parts keep their name.
 */
export function attributionItem(timer: string): string {
  if (!timer.startsWith("sql: ")) return timer;
  const sql = timer.slice("sql: ".length);
  const verb =
    /^\s*(WITH\b.*?\)\s*)?(SELECT|INSERT|UPDATE|DELETE|REPLACE)/i.exec(sql)?.[2]?.toUpperCase() ?? sql.split(" ")[0]!.toUpperCase();
  const table = /\b(?:INTO|UPDATE|FROM)\s+"?(\w+)"?/i.exec(sql)?.[1];
  return table === undefined ? `SQL: ${sql.slice(0, 60)}` : `SQL on ${table}: ${verb}`;
}

/**
 * Per completed saga between two readings: each item's µs and calls, largest first, then what
 * no timer covers (HTTP, hono, zod of requests, the reactions' own JavaScript, GC, other
 * threads), so the rows add up to the measured CPU. Timers that ran no call are left out.
 */
export function attribution(before: Timings, after: Timings, sagas: number, cpuUsPerSaga: number): AttributionRow[] {
  const items = new Map<string, AttributionRow>();
  for (const [timer, [calls, ms]] of Object.entries(after)) {
    const [callsBefore, msBefore] = before[timer] ?? [0, 0];
    if (calls === callsBefore) continue;
    const item = attributionItem(timer);
    const row = items.get(item) ?? { item, usPerSaga: 0, callsPerSaga: 0 };
    row.usPerSaga += ((ms - msBefore) * 1000) / sagas;
    row.callsPerSaga += (calls - callsBefore) / sagas;
    items.set(item, row);
  }
  const timed = [...items.values()].sort((a, b) => b.usPerSaga - a.usPerSaga);
  const covered = timed.reduce((sum, row) => sum + row.usPerSaga, 0);
  return [
    ...timed,
    {
      item: "not timed: HTTP, hono, zod of requests, the reactions' JavaScript, GC, other threads (CPU minus the rows above)",
      usPerSaga: Math.max(0, cpuUsPerSaga - covered),
      callsPerSaga: 0,
    },
  ];
}

/** The table as markdown, with the gap to the target in its heading. */
export function attributionTable(rows: readonly AttributionRow[], cpuUsPerSaga: number, sagasPerSec: number): string[] {
  const over = cpuUsPerSaga - TARGET_US_PER_SAGA;
  const fmt = (value: number, digits: number) =>
    value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const heading =
    over > 0
      ? `Where a saga's ${fmt(cpuUsPerSaga, 0)} µs of server CPU go (timed run, ${fmt(sagasPerSec, 0)} sagas/s): ${fmt(over, 0)} µs over the ${TARGET_US_PER_SAGA} µs that 5,000 sagas/s allows.`
      : `Where a saga's ${fmt(cpuUsPerSaga, 0)} µs of server CPU go (timed run, ${fmt(sagasPerSec, 0)} sagas/s): within the ${TARGET_US_PER_SAGA} µs that 5,000 sagas/s allows.`;
  return [
    heading,
    "Wall-clock timers around each call (a call preempted by the client runs long); statements grouped by the table they touch.",
    "",
    "| item | µs per saga | calls per saga | share |",
    "|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.item} | ${fmt(row.usPerSaga, 1)} | ${row.callsPerSaga === 0 ? "" : fmt(row.callsPerSaga, 2)} | ${fmt((100 * row.usPerSaga) / cpuUsPerSaga, 0)} % |`,
    ),
  ];
}
