import { z } from "zod";

/**
 * The defects a session may put back (`bugs` in its settings), issue "Break it". Each names one
 * real saga bug, written as a named variant beside the correct code it replaces (a decision, or
 * one step of the relay or the outbox), and each module picks its variants in one place from
 * the session's switches. With no switch on, every module runs exactly its correct code.
 *
 * The invariant that catches each one (src/consistency/invariants.ts):
 * - `ignoreCancellationSource` → `stock_conserved` (seed 000: stock handed back on every cancellation)
 * - `dropOrderIdOnFailure` → `saga_progresses` (seed 000: INVENTORY_FAILED without the order's id)
 * - `nonIdempotentConsumers` → `charged_once`, `stock_conserved` (a duplicate delivery applied again)
 * - `publishBeforeCommit` → `no_orphan_events` (the dual write, with `crashBetweenWritesRate`)
 * - `absoluteStockWrites` → `stock_conserved` (the stock it read minus the quantity: a lost update)
 * - `noSemanticLock` → `completed_pairing` (a confirmation after a cancel still completes the sale)
 */
export const bugSwitches = [
  "ignoreCancellationSource",
  "dropOrderIdOnFailure",
  "nonIdempotentConsumers",
  "publishBeforeCommit",
  "absoluteStockWrites",
  "noSemanticLock",
] as const;
export type BugSwitch = (typeof bugSwitches)[number];
export const bugSwitchSchema = z.enum(bugSwitches);

/** A session's switches: each named at most once. */
export const bugListSchema = z
  .array(bugSwitchSchema)
  .max(bugSwitches.length)
  .refine((list) => new Set(list).size === list.length, { message: "each switch may be named once" });

/** Whether `bug` is on in a session whose switches are `bugs`: the one test each module's selector makes. */
export const isOn = (bugs: readonly BugSwitch[], bug: BugSwitch): boolean => bugs.length > 0 && bugs.includes(bug);
