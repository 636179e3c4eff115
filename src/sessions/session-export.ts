import type { Context } from "hono";
import { stream } from "hono/streaming";

/** Lists that have no cursor (newest first) are exported up to this many rows; `truncated` names those cut. */
export const EXPORT_LIST_LIMIT = 1_000;
/** Rows read at a time from the paged sections (orders, events, payments, shipments). */
const EXPORT_PAGE_ROWS = 200;
/** What `version` says: a reader can tell a document of another shape. */
export const EXPORT_FORMAT_VERSION = 1;

/** A page of a section and where the next one starts (none: the section is done). */
export interface ExportPage<Row, Cursor> {
  rows: readonly Row[];
  next?: Cursor;
}

/**
 * What the export reads, each through its module's public face (as `GET /orders`, `GET /events`,
 * `GET /bus/deliveries`, … answer it). The export owns no table and runs no SQL of its own.
 */
export interface SessionExportSources {
  name(sessionId: string): string | null;
  settings(sessionId: string): unknown;
  products(sessionId: string): readonly unknown[];
  /** Each section that pages on (every row, a page at a time). */
  paged: {
    orders(sessionId: string, limit: number, after?: unknown): ExportPage<unknown, unknown>;
    events(sessionId: string, limit: number, after?: unknown): ExportPage<unknown, unknown>;
    payments(sessionId: string, limit: number, after?: unknown): ExportPage<unknown, unknown>;
    shipments(sessionId: string, limit: number, after?: unknown): ExportPage<unknown, unknown>;
  };
  /** Each section read newest first up to a limit. */
  listed: {
    deliveries(sessionId: string, limit: number): readonly unknown[];
    deadLetters(sessionId: string, limit: number): readonly unknown[];
    reservations(sessionId: string, limit: number): readonly unknown[];
    notifications(sessionId: string, limit: number): readonly unknown[];
    sagas(sessionId: string, limit: number): readonly unknown[];
  };
  now(): number;
}

type ListedSection = keyof SessionExportSources["listed"];

/** The download's file name: the session id is already limited to `A-Z a-z 0-9 . _ : -`; `:` is not a file name's. */
export function exportFileName(sessionId: string): string {
  return `saga-session-${sessionId.replaceAll(":", "_")}.json`;
}

/**
 * `GET /session/export`: the session as one JSON document, written section by section as it is
 * read, so the server holds one page (or one listed section) at a time, however big the session.
 */
export function sessionExport(c: Context, sessionId: string, sources: SessionExportSources): Response {
  c.header("content-type", "application/json; charset=utf-8");
  c.header("content-disposition", `attachment; filename="${exportFileName(sessionId)}"`);
  c.header("cache-control", "no-store");
  return stream(c, async (out) => {
    const field = (name: string, value: unknown) => out.write(`,\n${JSON.stringify(name)}:${JSON.stringify(value)}`);
    const head = {
      version: EXPORT_FORMAT_VERSION,
      exportedAt: new Date(sources.now()).toISOString(),
      session: { sessionId, name: sources.name(sessionId) },
    };
    await out.write(JSON.stringify(head).slice(0, -1));
    await field("settings", sources.settings(sessionId));
    await field("products", sources.products(sessionId));
    for (const [name, page] of Object.entries(sources.paged)) {
      await out.write(`,\n${JSON.stringify(name)}:[`);
      let after: unknown;
      let first = true;
      do {
        const { rows, next } = page(sessionId, EXPORT_PAGE_ROWS, after);
        for (const row of rows) {
          await out.write(`${first ? "" : ","}\n${JSON.stringify(row)}`);
          first = false;
        }
        after = next;
      } while (after !== undefined);
      await out.write("]");
    }
    const truncated: ListedSection[] = [];
    for (const [name, list] of Object.entries(sources.listed) as [ListedSection, (s: string, l: number) => readonly unknown[]][]) {
      const rows = list(sessionId, EXPORT_LIST_LIMIT + 1);
      if (rows.length > EXPORT_LIST_LIMIT) truncated.push(name);
      await field(name, rows.slice(0, EXPORT_LIST_LIMIT));
    }
    await field("truncated", truncated);
    await out.write("\n}\n");
  });
}
