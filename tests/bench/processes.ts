import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repoRoot = join(import.meta.dir, "../..");

export interface RunningServer {
  pid: number;
  baseUrl: string;
  /** From spawning the process to its first `GET /health` answered. */
  coldStartMs: number;
  databasePath: string;
  stop(): Promise<void>;
}

/**
 * Starts `bun <script>` on a free loopback port (PORT=0: the kernel picks it, the server logs
 * the one it got, so there is no race between choosing a port and binding it) with its own
 * database file in a fresh temp folder, and waits until `GET /health` answers. With `copyOf`,
 * that file starts as a copy of the given database (and its WAL), which stays untouched; with
 * `root`, the script is another checkout's (a before/after comparison).
 */
export async function startServer(
  script: string,
  env: Record<string, string> = {},
  { copyOf, root = repoRoot }: { copyOf?: string; root?: string } = {},
): Promise<RunningServer> {
  const folder = mkdtempSync(join(tmpdir(), "saga-bench-"));
  const databasePath = join(folder, "bench.sqlite");
  if (copyOf !== undefined) {
    copyFileSync(copyOf, databasePath);
    if (existsSync(`${copyOf}-wal`)) copyFileSync(`${copyOf}-wal`, `${databasePath}-wal`);
  }
  const startedAt = performance.now();
  // The same bun binary that runs the bench, whether or not one is on PATH.
  // BENCH_SERVER_FLAGS: bun flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for a profile under load.
  const flags = (process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean);
  const proc = Bun.spawn([process.execPath, ...flags, join(root, script)], {
    cwd: root,
    env: { ...process.env, PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: databasePath, ...env },
    stdout: "pipe",
    stderr: "inherit",
  });
  let baseUrl: string;
  try {
    baseUrl = `http://127.0.0.1:${await readListeningPort(proc.stdout, script)}`;
    await waitForHealth(baseUrl);
  } catch (error) {
    proc.kill("SIGKILL");
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const coldStartMs = performance.now() - startedAt;
  return {
    pid: proc.pid,
    baseUrl,
    coldStartMs,
    databasePath,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Reads stdout until the "listening on http://host:port" line, then keeps draining it so the pipe never fills. */
async function readListeningPort(stdout: ReadableStream<Uint8Array>, script: string): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    const match = seen.match(/listening on http:\/\/[^:\s]+:(\d+)/);
    if (match) {
      void (async () => {
        while (!(await reader.read()).done) {}
      })();
      return Number(match[1]);
    }
  }
  throw new Error(`${script} did not report its port; it printed: ${seen}`);
}

async function waitForHealth(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not accepting connections yet.
    }
    await Bun.sleep(2);
  }
  throw new Error(`${baseUrl}/health did not answer within 15 s`);
}

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS is in kB). */
export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!match) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** CPU time a process has used so far (user + system), in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10;
}
