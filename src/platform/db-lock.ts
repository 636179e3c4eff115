import { Database as SQLite } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { StartupError } from "./db";

/** Where the lock of the database at `path` lives: beside it, like SQLite's own `-wal` and `-shm`. */
export const lockPathOf = (path: string) => `${path}-lock`;

const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === "SQLITE_BUSY";

/**
 * One server per database file. SQLite lets two processes open it, and then their writes
 * collide (SQLITE_BUSY) and both relays deliver the same events. So a server holds a lock the
 * kernel drops when the process dies, however it dies: a read transaction kept open on a small
 * SQLite database beside the main one (`<path>-lock`), whose SHARED lock is a POSIX record lock.
 * A pid in a file would not do: after kill -9 the dead server can linger as a zombie (a
 * container whose PID 1 does not reap), or its pid can be reused by any process, and the pid
 * then looks alive forever.
 *
 * Taking it: an EXCLUSIVE transaction, which no one gets while the owner holds its SHARED lock,
 * writes this process's pid and a fresh token; then a read transaction is opened and kept, and
 * the token read back must be ours (a second server may have written its own in between: then
 * it owns the lock). A second process meets the owner's SHARED lock, reads the owner's pid, and
 * is refused with it. The lock database is never deleted: a process that opened it just before
 * would otherwise lock a file no newcomer sees. Nothing else in the process may open and close
 * `<path>-lock` (closing any descriptor of a file drops the process's record locks on it).
 *
 * Answers the function that releases it.
 */
export function lockDatabase(path: string, pid = process.pid): () => void {
  if (path === ":memory:") return () => {};
  const lockPath = lockPathOf(path);
  let lock: SQLite;
  try {
    mkdirSync(dirname(path), { recursive: true });
    lock = new SQLite(lockPath, { create: true });
    // A lock is there or not: waiting for it would only hide a second server for a while.
    lock.exec("PRAGMA busy_timeout = 0");
  } catch (error) {
    throw new StartupError(`Cannot lock the database at DATABASE_PATH=${path}: ${(error as Error).message}`);
  }
  const token = randomUUID();
  try {
    lock
      .transaction(() => {
        lock.exec("CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, token TEXT NOT NULL)");
        lock.exec("DELETE FROM owner");
        lock.run("INSERT INTO owner (pid, token) VALUES (?, ?)", [pid, token]);
      })
      .exclusive();
    lock.exec("BEGIN");
    const owner = lock.query<{ pid: number; token: string }, []>("SELECT pid, token FROM owner").get();
    if (owner?.token === token) {
      // Before this version the lock was a pid in `<path>.lock`; one left behind means nothing now.
      rmSync(`${path}.lock`, { force: true });
      return () => lock.close();
    }
    lock.close();
    throw refusal(path, lockPath, owner?.pid);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    if (!isBusy(error)) {
      lock.close();
      throw new StartupError(`Cannot lock the database at DATABASE_PATH=${path}: ${(error as Error).message}`);
    }
  }
  // Busy: another process holds the lock (or is taking it this very moment).
  let owner: number | undefined;
  try {
    owner = lock.query<{ pid: number }, []>("SELECT pid FROM owner").get()?.pid;
  } catch {
    owner = undefined;
  }
  lock.close();
  throw refusal(path, lockPath, owner);
}

function refusal(path: string, lockPath: string, owner: number | undefined): StartupError {
  const who = owner === undefined ? "another process is serving it" : `process ${owner} is serving it`;
  return new StartupError(
    `Cannot use the database at DATABASE_PATH=${path}: ${who} (lock ${lockPath}); stop it first, or point DATABASE_PATH at another file`,
  );
}
