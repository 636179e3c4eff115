/**
 * Wall-clock timers for the per-saga attribution (docs/performance.md, "Where a saga's server
 * time goes"): switched on with BENCH_TIMINGS=1, only in the instrumented server. Each timer
 * adds about 0.1 µs, so a saga's ~40 timed calls cost a few µs of what they measure.
 */
import { Counter, Histogram } from "prom-client";
import { Bus } from "../../src/bus/bus";
import { DeliveryLog } from "../../src/bus/delivery-log";
import { EventWaiters } from "../../src/bus/waiters";

/** Per timer: calls and total ms. */
export const timings: Record<string, [number, number]> = {};

function add(name: string, ms: number): void {
  const entry = timings[name];
  if (entry) {
    entry[0] += 1;
    entry[1] += ms;
  } else timings[name] = [1, ms];
}

type Method = (...args: unknown[]) => unknown;

/** Times every call of `target[method]` under `name`. */
export function timeMethod(target: object, method: string, name: string): void {
  const methods = target as Record<string, Method>;
  const original = methods[method]!;
  methods[method] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      add(name, performance.now() - started);
    }
  };
}

/** The statement's kind, for its timer: its first words (bun:sqlite's BEGIN/COMMIT/SAVEPOINT/RELEASE included). */
export function statementName(sql: string): string {
  return `sql: ${sql.replace(/\s+/g, " ").trim().slice(0, 400)}`;
}

export function timeStatement(statement: object, sql: string): void {
  for (const method of ["run", "get", "all", "values"]) timeMethod(statement, method, statementName(sql));
}

/** Times the bus's and the metrics' parts that issue 19 asks about. */
export function timeParts(): void {
  timeMethod(Bus.prototype, "rowToEvent", "zod + JSON.parse of a payload read back (Bus.rowToEvent)");
  timeMethod(Bus.prototype, "announce", "announce after commit (all listeners)");
  timeMethod(EventWaiters.prototype, "wakeFor", "long-poll waiters (EventWaiters.wakeFor)");
  timeMethod(DeliveryLog.prototype, "record", "delivery log (DeliveryLog.record)");
  // prom-client sets `inc`/`observe` per instance to these (no exemplars).
  timeMethod(Counter.prototype, "incWithoutExemplar", "prom-client (Counter.inc)");
  timeMethod(Histogram.prototype, "observeWithoutExemplar", "prom-client (Histogram.observe)");
}

/**
 * Times bun:sqlite's transactions, which run BEGIN/COMMIT (or SAVEPOINT/RELEASE when nested)
 * natively, out of sight of the statement timers: the wrapper's time minus its work's is what
 * opening and committing (or releasing) cost, the WAL writes and any checkpoint included.
 */
export function timeTransactions(sqlite: { transaction: (fn: Method) => Method }): void {
  const original = sqlite.transaction.bind(sqlite);
  let depth = 0;
  // The outermost transaction is timed in this thread's CPU (one getrusage per reading, 0.1 per
  // saga): its wall time also holds the fsync of a checkpoint, which waits without using the CPU.
  // Savepoints, ten a saga, are timed on the wall clock, which costs less.
  const cpuMs = () => {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1000;
  };
  sqlite.transaction = (fn: Method) => {
    // Each call's work time, pushed when its work ends: a nested call's is popped by its own wrapper first.
    const works: number[] = [];
    let outermost = false;
    const now = () => (outermost ? cpuMs() : performance.now());
    const inner = original(function (this: unknown, ...args: unknown[]) {
      const started = now();
      try {
        return fn.apply(this, args);
      } finally {
        works.push(now() - started);
      }
    });
    return (...args: unknown[]) => {
      const nested = depth > 0;
      const outer = outermost;
      outermost = !nested;
      depth += 1;
      const started = now();
      try {
        return inner(...args);
      } finally {
        const total = now() - started;
        depth -= 1;
        outermost = outer;
        add(
          nested ? "SAVEPOINT + RELEASE (wall, wrapper minus work)" : "BEGIN + COMMIT (CPU, wrapper minus work)",
          total - (works.pop() ?? 0),
        );
      }
    };
  };
}
