import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { invariantNames } from "../../src/consistency/invariants";
import { bugDescriptions, bugSwitches } from "../../src/modules/bugs";

describe("each bug switch's sentence (bugDescriptions, written once)", () => {
  test("every switch has a sentence, and names only invariants GET /consistency checks", () => {
    expect(Object.keys(bugDescriptions).sort()).toEqual([...bugSwitches].sort());
    for (const name of bugSwitches) {
      expect(bugDescriptions[name].defect.length).toBeGreaterThan(20);
      expect(bugDescriptions[name].caughtBy.length).toBeGreaterThan(0);
      for (const invariant of bugDescriptions[name].caughtBy) expect(invariantNames as readonly string[]).toContain(invariant);
    }
  });

  test("docs/workshop.md's Break it row names each switch with the invariants that catch it", () => {
    const row = readFileSync("docs/workshop.md", "utf8").match(/^\| Break it \|.*$/m)?.[0] ?? "";
    for (const name of bugSwitches) {
      expect(row).toContain(`\`${name}\` (${bugDescriptions[name].caughtBy.map((i) => `\`${i}\``).join(", ")})`);
    }
  });
});
