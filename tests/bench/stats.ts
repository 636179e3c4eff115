/** Small statistics helpers for the benchmark: nearest-rank percentiles and medians. */

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** The median of each numeric field across runs (each figure is a median on its own). */
export function medianOfRuns<T extends Record<string, number>>(runs: readonly T[]): T {
  const first = runs[0];
  if (!first) throw new Error("medianOfRuns needs at least one run");
  const result: Record<string, number> = {};
  for (const key of Object.keys(first)) result[key] = median(runs.map((run) => run[key]!));
  return result as T;
}
