import { Database as SQLite } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allTables } from "../support/db-snapshot";
import { knobsFormFields } from "../support/knobs-form";
import { parsePrometheus } from "../support/prometheus";
import { type ServerProcess, startServerProcess } from "./support/server-process";

/**
 * Clients that hang up in the middle of uploading a body, against the real server process: a
 * client that went away is not a server error. Each costs one short line on stderr, is counted
 * as `status="499"` (never 500), and writes nothing.
 */
const dir = mkdtempSync(join(tmpdir(), "saga-cut-bodies-"));
const databasePath = join(dir, "saga.sqlite");
const session = "cut-bodies";
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess(databasePath, {});
}, 30_000); // starts the real server process (up to 15 s on a busy machine)
afterAll(() => {
  server.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface CutBody {
  path: string;
  contentType: string;
  /** `content-length` promises 1,000 bytes; `chunked` opens a 1,000-byte chunk. */
  framing: "content-length" | "chunked";
  /** The first 100 bytes of a body that would have been accepted. */
  start: string;
}

const cutBodies: CutBody[] = [
  { path: "/orders", contentType: "application/json", framing: "content-length", start: '{"items":[{"product":"mouse","quantity":1}' },
  { path: "/orders", contentType: "application/json", framing: "chunked", start: '{"items":[{"product":"mouse","quantity":1}' },
  {
    path: "/dashboard/orders",
    contentType: "application/x-www-form-urlencoded",
    framing: "content-length",
    start: "product=mouse&quantity=1",
  },
  {
    path: "/dashboard/knobs",
    contentType: "application/x-www-form-urlencoded",
    framing: "content-length",
    start: new URLSearchParams(knobsFormFields({ inventoryDelayMs: "0" })).toString(),
  },
];

/** Sends the head and the first 100 bytes of a 1,000-byte body, then closes; resolves once the server has closed its end too. */
function sendCutOff({ path, contentType, framing, start }: CutBody): Promise<string> {
  const { hostname, port } = new URL(server.baseUrl);
  const framingHeader = framing === "chunked" ? "Transfer-Encoding: chunked\r\n\r\n3e8\r\n" : "Content-Length: 1000\r\n\r\n";
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nx-session-id: ${session}\r\nContent-Type: ${contentType}\r\n${framingHeader}`;
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(Number(port), hostname, () => socket.end(head + start.padEnd(100, " ")));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}

function rowCounts(): Record<string, number> {
  const db = new SQLite(databasePath, { readonly: true });
  try {
    return Object.fromEntries(allTables.map((table) => [table, (db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

async function requestCounts(): Promise<Map<string, number>> {
  const samples = parsePrometheus(await (await fetch(`${server.baseUrl}/metrics`)).text());
  const byStatus = new Map<string, number>();
  for (const { name, labels, value } of samples) {
    if (name !== "http_request_duration_seconds_count" || labels.method !== "POST") continue;
    byStatus.set(labels.status!, (byStatus.get(labels.status!) ?? 0) + value);
  }
  return byStatus;
}

describe("a request body cut off mid-upload", () => {
  test("200 cut-off bodies: no 500, one short stderr line each, nothing written", async () => {
    const before = rowCounts();
    const answers: string[] = [];
    for (let i = 0; i < 200; i += 1) answers.push(await sendCutOff(cutBodies[i % cutBodies.length]!));

    // Nobody is left to read an answer; the server closes its end without one.
    expect(answers.filter((answer) => answer !== "")).toEqual([]);
    // The server saw each hang-up when its socket closed; wait for the metrics to have counted them all.
    const deadline = Date.now() + 10_000;
    let counts = await requestCounts();
    const counted = () => [...counts.values()].reduce((sum, n) => sum + n, 0);
    while (counted() < 200 && Date.now() < deadline) counts = await requestCounts();
    expect(Object.fromEntries(counts)).toEqual({ "499": 200 });
    expect(rowCounts()).toEqual(before);

    server.child.kill("SIGTERM");
    await server.child.exited;
    const lines = (await server.stderr).split("\n").filter((line) => line !== "");
    expect(lines.length).toBe(200);
    for (const line of lines) {
      expect(line).toMatch(/^POST \/(dashboard\/)?(orders|knobs): the client closed the connection before its request body arrived$/);
    }
  });
});
