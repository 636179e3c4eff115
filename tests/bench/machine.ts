import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

/** Cores, CPU model and memory, so a published figure says what it ran on. */
export function describeMachine(): string {
  let model = "unknown CPU";
  try {
    model =
      readFileSync("/proc/cpuinfo", "utf8")
        .match(/^model name\s*:\s*(.+)$/m)?.[1]
        ?.trim() ?? model;
  } catch {
    // Not Linux: the model stays unknown.
  }
  return `${availableParallelism()} cores (nproc), ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform}/${process.arch}`;
}
