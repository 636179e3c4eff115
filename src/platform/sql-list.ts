/**
 * `'A','B'`: a fixed list of string constants for an SQL `IN (…)` or CHECK, written once in code.
 * (Kept apart from db.ts, which loads bun:sqlite: drizzle-kit reads the tables under Node.)
 */
export const quotedList = (values: readonly string[]): string => values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",");
