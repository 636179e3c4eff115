import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockDatabase } from "../../../src/platform/db-lock";

/**
 * Found restarting a killed server: the lock was a pid in `<path>.lock`, and after kill -9 the
 * dead server could linger as a zombie (a container whose PID 1 does not reap) or its pid be
 * reused by any process; start-up was then refused, forever in the second case. The lock is
 * now one the kernel drops when its process dies; a second live server is still refused, by name.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a restart after a crash is never refused by what the dead server left", () => {
  for (const [who, pid] of [
    ["pid 1 (init, always alive)", 1],
    ["the test runner's parent", process.ppid],
  ] as const) {
    test(`a lock file left holding a live unrelated pid, ${who}, does not block start-up`, () => {
      const path = join(dir, `reused-${pid}.sqlite`);
      writeFileSync(`${path}.lock`, String(pid));
      const release = lockDatabase(path);
      release();
    });
  }

  test("a second live server is refused with the clear message; once the first lets go, the next one starts", () => {
    const path = join(dir, "second.sqlite");
    const release = lockDatabase(path, 4242);
    expect(() => lockDatabase(path)).toThrow(
      `Cannot use the database at DATABASE_PATH=${path}: process 4242 is serving it (lock ${path}-lock); stop it first, or point DATABASE_PATH at another file`,
    );
    release();
    lockDatabase(path)();
  });
});
