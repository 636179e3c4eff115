import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const serverEntry = join(import.meta.dir, "../../../src/main.ts");

export interface ServerProcess {
  baseUrl: string;
  child: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything it writes to stderr: a reaction that throws or a failed request shows here. */
  stderr: Promise<string>;
}

/**
 * The real server (`bun src/main.ts`) as a child process on `databasePath`, on a free loopback
 * port; resolves once it listens. Its stdout keeps being drained so it never blocks on a full pipe.
 */
export async function startServerProcess(databasePath: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = Bun.spawn([process.execPath, serverEntry], {
    env: { ...process.env, PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: databasePath, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  let seen = "";
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
    const match = seen.match(/listening on (http:\/\/[^\s]+)/);
    if (match) {
      reader.releaseLock();
      void child.stdout.pipeTo(new WritableStream());
      return { baseUrl: match[1]!, child, stderr };
    }
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start: ${seen}`);
}

/**
 * The real server on one database file in a fresh temp folder, started, killed and started again
 * by a test; the last process is killed and the folder removed after the file's tests. `stderr()`
 * is everything every run wrote there.
 */
export function restartableServer(folderPrefix: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const databasePath = join(dir, "saga.sqlite");
  let child: ServerProcess["child"] | null = null;
  const runs: Promise<string>[] = [];
  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    databasePath,
    /** Starts a process on the file; resolves its base URL once it listens. */
    async start(): Promise<string> {
      const server = await startServerProcess(databasePath, env);
      child = server.child;
      runs.push(server.stderr);
      return server.baseUrl;
    },
    /** Stops the running process (kill -9, or a clean SIGTERM) and waits until it is gone. */
    async stop(signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
      if (!child) throw new Error("no server process is running");
      child.kill(signal);
      await child.exited;
      child = null;
    },
    async stderr(): Promise<string> {
      return (await Promise.all(runs)).join("\n");
    },
  };
}
