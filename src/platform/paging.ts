import { and, type Column, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { z } from "zod";
import { ValidationError } from "./errors";

/** A page holds `?limit=` rows: 100 unless asked, 1,000 at most. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1_000;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(600).optional(),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

/** Where a page ends, as the list orders its rows (e.g. [createdAt, id]): the next page starts after it. */
export type Position = readonly (string | number)[];

/** The cursor of the next page: opaque to clients (base64url of the last row's position). */
export const encodeCursor = (position: Position) => Buffer.from(JSON.stringify(position)).toString("base64url");

/** A cursor back to the position it was made from, checked against the list's own shape; a 400 otherwise. */
export function decodeCursor<T extends Position>(cursor: string | undefined, shape: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // not base64url JSON: the same answer as a well-formed one of another shape
  }
  throw new ValidationError([{ path: "cursor", message: "Not a cursor this list gave" }]);
}

/**
 * SWAP's clients read `GET /orders`, `/payments` and `/inventory` as bare JSON arrays, so the
 * next page is announced in a `Link: <…>; rel="next"` header (RFC 8288) instead of the body.
 */
export function announceNextPage(c: Context, limit: number, next: Position | undefined): void {
  if (!next) return;
  const url = new URL(c.req.url);
  url.searchParams.set("limit", String(limit));
  url.searchParams.set("cursor", encodeCursor(next));
  c.header("Link", `<${url.pathname}${url.search}>; rel="next"`);
}

/**
 * The rows past `after` in a list ordered by (first, second), both descending or both
 * ascending: the keyset condition every paged list uses. Undefined (no condition) for the
 * first page.
 */
export function pastPosition(
  first: Column,
  second: Column,
  after: readonly [string | number, string] | undefined,
  direction: "asc" | "desc",
): SQL | undefined {
  if (after === undefined) return undefined;
  const past = direction === "desc" ? lt : gt;
  return or(past(first, after[0]), and(eq(first, after[0]), past(second, after[1])));
}
