import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { StartupError } from "./db";

/** Whether a process with this id is running on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One server per database file. SQLite lets two processes open it, and then their writes
 * collide (SQLITE_BUSY) and both relays deliver the same events. A lock file next to the
 * database (`<path>.lock`, created exclusively, holding the owner's pid) refuses the second
 * process, naming the first. A lock left by a process that died (kill -9) is taken over.
 * Answers the function that releases it.
 */
export function lockDatabase(path: string, pid = process.pid): () => void {
  if (path === ":memory:") return () => {};
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new StartupError(`Cannot lock the database at DATABASE_PATH=${path}: ${(error as Error).message}`);
      }
      const owner = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && alive(owner)) {
        throw new StartupError(
          `Cannot use the database at DATABASE_PATH=${path}: process ${owner} is serving it (lock file ${lockPath}); stop it first, or point DATABASE_PATH at another file`,
        );
      }
      // Left by a process that is gone: take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError(`Cannot lock the database at DATABASE_PATH=${path}: another process keeps taking ${lockPath}`);
}
