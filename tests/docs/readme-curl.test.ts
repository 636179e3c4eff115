import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The README's curl walkthrough, pasted as a person would: each ```sh block of the section fed
 * to an interactive bash and an interactive zsh (macOS's default shell, which splits no
 * unquoted variable and reads `#` as a word, not a comment), against a real server process.
 * Every command must exit 0 and print a JSON answer; an assignment must capture something.
 */

const root = join(import.meta.dir, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The ```sh blocks between "## Walkthrough with curl" and the next section. */
export function walkthroughBlocks(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Walkthrough with curl"));
  if (!section) throw new Error('README.md has no "## Walkthrough with curl" section');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

/**
 * What the prose between the blocks says the server answers: each inline code span that is a
 * piece of JSON (`"status":"COMPLETED"`), leaving out the elided ones (with …).
 */
export function claimedAnswers(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Walkthrough with curl")) ?? "";
  const prose = section.replace(/^```sh\n[\s\S]*?^```$/gm, "");
  return [...prose.matchAll(/`("[^`]*":[^`]*)`/g)].map((match) => match[1] ?? "").filter((claim) => !claim.includes("…"));
}

/** A block's commands: continued lines (`\` at the end) joined, blank lines dropped. */
export function commandsOf(block: string): string[] {
  return block.split(/(?<!\\)\n/).filter((command) => command.trim() !== "");
}

const shells = { bash: Bun.which("bash"), zsh: Bun.which("zsh") };
if (!shells.zsh) {
  const message = "zsh not found: install it with `apt-get install -y zsh`";
  // In CI a missing shell must fail the run, never pass it silently.
  if (process.env.CI) throw new Error(`${message}; the README's curl walkthrough cannot be tried in zsh`);
  console.warn(`Skipping the zsh run of the README's curl walkthrough: ${message}`);
}

const marker = "@@command-ended@@";

/** The script a shell runs: each command, then a line with its exit code and what an assignment captured. */
function scriptOf(commands: string[], port: number): string {
  const lines = ["set -o pipefail"];
  for (const command of commands) {
    const assigned = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(command)?.[1];
    lines.push(command.replaceAll("localhost:3000", `127.0.0.1:${port}`));
    lines.push(`printf '\\n${marker} %s [%s]\\n' "$?" "${assigned ? `$${assigned}` : ""}"`);
  }
  return `${lines.join("\n")}\nexit\n`;
}

interface Outcome {
  command: string;
  code: number;
  output: string;
  captured: string;
}

async function run(shell: string, commands: string[], port: number): Promise<{ outcomes: Outcome[]; stderr: string }> {
  // Interactive, with no start-up files: as pasted into a fresh terminal.
  const args = shell.endsWith("zsh") ? [shell, "-f", "-i"] : [shell, "--norc", "--noprofile", "-i"];
  const child = Bun.spawn(args, { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", HOME: tmpdir() } });
  child.stdin.write(scriptOf(commands, port));
  await child.stdin.end();
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  const pieces = stdout.split(new RegExp(`\\n${marker} `));
  const outcomes = commands.map((command, i) => {
    const output = i === 0 ? (pieces[0] ?? "") : (pieces[i]?.replace(/^\d+ \[[^\]\n]*\]\n/, "") ?? "");
    const end = /^(\d+) \[([^\]\n]*)\]/.exec(pieces[i + 1] ?? "");
    return { command, code: end ? Number(end[1]) : -1, output: output.trim(), captured: end?.[2] ?? "" };
  });
  return { outcomes, stderr };
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("the README's curl walkthrough", () => {
  const blocks = walkthroughBlocks(readme);
  let server: ReturnType<typeof Bun.spawn> | undefined;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), "saga-readme-"));

  beforeAll(async () => {
    const child = Bun.spawn(["bun", "src/main.ts"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: "0",
        GRPC_PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_PATH: join(dir, "saga.sqlite"),
        // Short demo delays: the long polls answer in about a second, not eight.
        INVENTORY_DELAY_MS: "200",
        PAYMENT_DELAY_MS: "400",
      },
      stdout: "pipe",
      stderr: "inherit",
    });
    server = child;
    const reader = child.stdout.getReader();
    let out = "";
    while (!/listening on http:\/\/[^:]+:\d+/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server ended before it listened: ${out}`);
      out += new TextDecoder().decode(value);
    }
    port = Number(/listening on http:\/\/[^:]+:(\d+)/.exec(out)?.[1]);
    reader.releaseLock();
  }, 20_000);

  afterAll(async () => {
    server?.kill();
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("has blocks to try, and answers it claims", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(claimedAnswers(readme)).toContain('"cancellationSource":"payment_failed"');
    expect(claimedAnswers(readme)).toContain('"stock_level":15,"reserved":0,"available":15');
  });

  for (const [name, path] of Object.entries(shells)) {
    test.skipIf(!path)(
      `every command works pasted into ${name}: exit 0 and a JSON answer`,
      async () => {
        // Each shell gets a session of its own, so the figures of one run do not depend on the other.
        const session = `readme-${name}`;
        const commands = blocks.flatMap((block) => commandsOf(block.replaceAll("workshop-1", session)));
        const { outcomes, stderr } = await run(path as string, commands, port);
        const failures = outcomes.filter(
          (o) => o.code !== 0 || (/^[A-Za-z_]\w*=/.test(o.command) ? o.captured === "" || o.output !== "" : !isJson(o.output)),
        );
        expect(failures, `stderr of ${name}:\n${stderr}`).toEqual([]);
        // What the README says the answers hold, they hold.
        const answers = outcomes.map((o) => o.output).join("\n");
        expect(claimedAnswers(readme).filter((claim) => !answers.includes(claim))).toEqual([]);
      },
      60_000,
    );
  }
});
