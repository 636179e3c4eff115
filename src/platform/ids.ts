/**
 * Identifiers are a dependency. UUIDv7 sorts by creation time, which keeps "newest first"
 * listings stable when two rows share a millisecond; tests use a counter for readable ids.
 */
export interface Ids {
  uuid(): string;
}

export const systemIds: Ids = { uuid: () => Bun.randomUUIDv7() };

/** Deterministic, still time-sortable ids: 00000000-0000-7000-8000-000000000001, ... after `start`. */
export function sequentialIds(start = 0): Ids {
  let n = start;
  return {
    uuid: () => {
      n += 1;
      return `00000000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
    },
  };
}
