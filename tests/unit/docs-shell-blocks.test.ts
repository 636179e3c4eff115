import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every ```sh block of the README and docs/ is meant to be pasted into a terminal, and macOS's
 * default shell is zsh, whose interactive shell reads `#` as an argument, not a comment
 * (INTERACTIVE_COMMENTS is off): `curl -s url   # the answer` asks curl for a URL "#". So a
 * block holds no comment; what a command answers is said in the text around it.
 */

const root = join(import.meta.dir, "../..");
const files = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** The `#` that starts a comment in bash, outside quotes and at a word's start; -1 when there is none. */
export function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"') i += 1;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "\\") i += 1;
    else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return i;
  }
  return -1;
}

describe("shell blocks paste into zsh as into bash", () => {
  test("the scanner finds a comment only outside quotes and at a word's start", () => {
    expect(commentStart("curl -s localhost:3000/x   # the answer")).toBe(27);
    expect(commentStart("# a note")).toBe(0);
    expect(commentStart('curl -d \'{"a":"#1"}\' url')).toBe(-1);
    expect(commentStart("curl 'localhost:3000/#top' x#y")).toBe(-1);
  });

  test("no ```sh block in README.md or docs/ has a # comment", () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      for (const block of text.matchAll(/^```(?:sh|bash|shell|zsh)\n([\s\S]*?)^```$/gm))
        for (const line of (block[1] ?? "").split("\n")) if (commentStart(line) >= 0) found.push(`${file}: ${line}`);
    }
    expect(found).toEqual([]);
  });
});
