import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bounded, declarationLines, readExcerpt } from "../../src/scenarios/source-excerpt";

const source = [
  "import { x } from './x';",
  "",
  "/** A comment about it. */",
  "export function twice(value: number): number {",
  "  const inner = { a: [1, 2] };",
  "  return value * 2 + inner.a.length;",
  "}",
  "",
  "export const arrow =",
  "  (value: number) =>",
  "    value + 1;",
  "",
  "const helper = {",
  "  async method(id: string) {",
  "    return id;",
  "  },",
  "};",
].join("\n");

describe("declarationLines", () => {
  test("given a function, when asked for it, then its lines from the signature to the closing brace", () => {
    expect(declarationLines(source, "twice")).toBe(source.split("\n").slice(3, 7).join("\n"));
  });
  test("given an arrow const over several lines, then up to the line that ends it", () => {
    expect(declarationLines(source, "arrow")).toBe(source.split("\n").slice(8, 11).join("\n"));
  });
  test("given an async method, then the method alone", () => {
    expect(declarationLines(source, "method")).toBe(source.split("\n").slice(13, 16).join("\n"));
  });
  test("given a name nothing declares (only a prefix of one), then null", () => {
    expect(declarationLines(source, "twi")).toBeNull();
    expect(declarationLines(source, "missing")).toBeNull();
  });
});

describe("bounded", () => {
  test("given text within the bound, then the same text", () => {
    expect(bounded("a\nb", 10)).toBe("a\nb");
  });
  test("given text over the bound, then whole lines within it, saying it was cut", () => {
    const cut = bounded(Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n"), 120);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(120);
    expect(cut).toStartWith("line 0\nline 1\n");
    expect(cut).toEndWith("(cut: the rest is in the file)");
  });
});

describe("readExcerpt", () => {
  const root = join(import.meta.dir, "..", "..");
  test("given a declaration the file no longer holds, then an error naming it and the file", () => {
    expect(() => readExcerpt(root, { file: "src/modules/bugs.ts", name: "noSuchFunction" })).toThrow(
      "Scenario excerpt: no declaration of noSuchFunction in src/modules/bugs.ts",
    );
  });
  test("given a declaration the file holds, then its lines", () => {
    expect(readExcerpt(root, { file: "src/modules/bugs.ts", name: "isOn" }).excerpt).toStartWith("export const isOn = ");
  });
});
