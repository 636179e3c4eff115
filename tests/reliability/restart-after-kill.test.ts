import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "./support/server-process";

/**
 * The real server, killed with SIGKILL while its parent never reaps it (as under a container
 * whose PID 1 does not): the dead server stays a zombie, its pid still "alive" to kill(pid, 0).
 * A successor on the same database file must start, and serve the orders the first acknowledged.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-restart-"));
const databasePath = join(dir, "saga.sqlite");
const serverEntry = join(import.meta.dir, "../../src/main.ts");
const cleanUp: (() => void)[] = [];
afterAll(() => {
  for (const step of cleanUp) step();
  rmSync(dir, { recursive: true, force: true });
});

/** The server started by a shell that then becomes `sleep`, which never waits for its children. */
async function serverUnderANonReapingParent() {
  const parent = Bun.spawn(["sh", "-c", `"${process.execPath}" "${serverEntry}" & echo "pid $!"; exec sleep 120`], {
    env: { ...process.env, PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: databasePath },
    stdout: "pipe",
    stderr: "pipe",
  });
  cleanUp.push(() => parent.kill("SIGKILL"));
  const reader = parent.stdout.getReader();
  let seen = "";
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(seen) || !/pid (\d+)/.test(seen)) {
    if (Date.now() > deadline) throw new Error(`server did not start: ${seen}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`server did not start: ${seen}`);
    seen += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void parent.stdout.pipeTo(new WritableStream());
  return { pid: Number(/pid (\d+)/.exec(seen)?.[1]), baseUrl: /listening on (http:\/\/\S+)/.exec(seen)?.[1] ?? "", parent };
}

const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];

describe("restart after kill -9", () => {
  test("a server killed and left a zombie does not keep its successor from starting", async () => {
    const first = await serverUnderANonReapingParent();
    const headers = { "x-session-id": "restart", "content-type": "application/json" };
    await fetch(`${first.baseUrl}/inventory/seed`, { method: "POST", headers });
    const placed = await fetch(`${first.baseUrl}/orders`, {
      method: "POST",
      headers,
      body: JSON.stringify({ items: [{ product: "mouse-pad", quantity: 1 }], skipDemoDelays: true }),
    });
    const { id } = (await placed.json()) as { id: string };
    process.kill(first.pid, "SIGKILL");
    // Dead, but not reaped: a zombie until its parent goes.
    for (let tries = 0; stateOf(first.pid) !== "Z"; tries += 1) {
      if (tries > 500) throw new Error(`process ${first.pid} did not become a zombie: ${stateOf(first.pid)}`);
      await Bun.sleep(10);
    }

    const second = await startServerProcess(databasePath, {});
    cleanUp.push(() => second.child.kill("SIGKILL"));
    const order = (await (await fetch(`${second.baseUrl}/orders/${id}?wait=5000`, { headers })).json()) as { status: string };
    expect(order.status).toBe("COMPLETED");
  });
});
