import { readFileSync } from "node:fs";
import { join } from "node:path";

/** At most this many bytes of one excerpt: a declaration longer than that is cut, and says so. */
export const EXCERPT_MAX_BYTES = 4_096;

import type { CodeRef } from "../modules/bugs";

export interface Excerpt {
  file: string;
  excerpt: string;
}

/** The line that starts the declaration of `name`: a function, a const, or a method (possibly async or private). */
const declarationStart = (name: string) =>
  new RegExp(`^\\s*(export\\s+)?(async\\s+)?(private\\s+)?(function\\s+|const\\s+|let\\s+)?${name}\\s*[(<:=]`);

/**
 * The lines of `source` that declare `name`, from its first line to the one that closes it (its
 * brackets balanced, ending in `}` or `;`). Null when nothing there declares it. The counting
 * ignores brackets inside strings, which the declarations excerpted here do not hold unbalanced.
 */
export function declarationLines(source: string, name: string): string | null {
  const lines = source.split("\n");
  const start = lines.findIndex((line) => declarationStart(name).test(line));
  if (start < 0) return null;
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? "";
    for (const char of line) {
      if (char === "{" || char === "(" || char === "[") depth++;
      else if (char === "}" || char === ")" || char === "]") depth--;
    }
    if (depth <= 0 && /[};,]\s*$/.test(line)) return lines.slice(start, i + 1).join("\n");
  }
  return null;
}

/** Cuts `text` to at most `maxBytes` of UTF-8 (whole lines), saying that it was cut. */
export function bounded(text: string, maxBytes = EXCERPT_MAX_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = "\n// … (cut: the rest is in the file)";
  const kept: string[] = [];
  let bytes = Buffer.byteLength(note);
  for (const line of text.split("\n")) {
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > maxBytes) break;
    kept.push(line);
  }
  return kept.join("\n") + note;
}

/**
 * Reads each declaration from the repository's own files, once (at start-up): what the
 * scenarios show is the code that runs, never a copy of it. A name no longer found is a
 * mistake of this repository, so it stops the server with an error naming it.
 */
export function readExcerpt(root: string, ref: CodeRef): Excerpt {
  const source = readFileSync(join(root, ref.file), "utf8");
  const lines = declarationLines(source, ref.name);
  if (lines === null) throw new Error(`Scenario excerpt: no declaration of ${ref.name} in ${ref.file}`);
  return { file: ref.file, excerpt: bounded(lines) };
}
