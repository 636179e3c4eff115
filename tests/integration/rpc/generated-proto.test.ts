import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "../../..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe("the generated protobuf code", () => {
  test("src/gen is what `npm run generate:proto` makes of proto/ now (regenerated into a temporary directory)", () => {
    const out = mkdtempSync(join(tmpdir(), "proto-gen-"));
    try {
      const buf = join(root, "node_modules/.bin/buf");
      const run = Bun.spawnSync([buf, "generate", "--output", out], {
        cwd: root,
        env: { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH ?? ""}` },
      });
      expect(run.stderr.toString()).toBe("");
      expect(run.exitCode).toBe(0);
      const committed = join(root, "src/gen");
      const fresh = join(out, "src/gen");
      expect(filesUnder(fresh)).toEqual(filesUnder(committed));
      for (const file of filesUnder(committed)) {
        expect({ file, text: readFileSync(join(fresh, file), "utf8") }).toEqual({
          file,
          text: readFileSync(join(committed, file), "utf8"),
        });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    // buf and the plugin are two processes: on a loaded machine they take more than the default 5 s.
  }, 30_000);
});
