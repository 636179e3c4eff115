import { z } from "zod";

/**
 * The defects a session may put back (`bugs` in its settings), issue "Break it". Each names one
 * real saga bug, written as a named variant beside the correct code it replaces (a decision, or
 * one step of the relay or the outbox), and each module picks its variants in one place from
 * the session's switches. With no switch on, every module runs exactly its correct code.
 * What each one puts back, and the invariant that catches it, is `bugDescriptions` below.
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

/**
 * Each switch in one sentence: the defect it puts back, and the invariants of `GET /consistency`
 * (src/consistency/invariants.ts) that catch it. Written once: the dashboard's "Break it" panel,
 * the docs and the tests read these words.
 */
export const bugDescriptions: Record<BugSwitch, { defect: string; caughtBy: readonly string[] }> = {
  ignoreCancellationSource: {
    defect: "Seed 000's bug: inventory hands stock back on every cancellation, whether it holds any for the order or not.",
    caughtBy: ["stock_conserved"],
  },
  dropOrderIdOnFailure: {
    defect: "Seed 000's first bug: INVENTORY_FAILED carries no order id, so orders cannot correlate it and the saga waits for its timeout.",
    caughtBy: ["saga_progresses"],
  },
  nonIdempotentConsumers: {
    defect: "A duplicate delivery (Redeliver, duplicate deliveries) reaches the reactions for real, and they apply it again.",
    caughtBy: ["charged_once", "stock_conserved"],
  },
  publishBeforeCommit: {
    defect:
      "The dual write: the order's event is handed to the bus before its transaction commits, and a crash between the two leaves an event whose order never existed.",
    caughtBy: ["no_orphan_events"],
  },
  absoluteStockWrites: {
    defect:
      "Inventory writes “the stock it read minus the quantity” in a later step instead of one conditional delta: concurrent sagas lose updates.",
    caughtBy: ["stock_conserved"],
  },
  noSemanticLock: {
    defect: "A confirmation that arrives after a cancel still completes the order.",
    caughtBy: ["completed_pairing"],
  },
};

/** A session's switches: each named at most once. */
export const bugListSchema = z
  .array(bugSwitchSchema)
  .max(bugSwitches.length)
  .refine((list) => new Set(list).size === list.length, { message: "each switch may be named once" });

/** Whether `bug` is on in a session whose switches are `bugs`: the one test each module's selector makes. */
export const isOn = (bugs: readonly BugSwitch[], bug: BugSwitch): boolean => bugs.length > 0 && bugs.includes(bug);
