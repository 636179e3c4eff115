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
