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

/** Where a piece of this repository's code lives: a file and the name it declares there. */
export interface CodeRef {
  file: string;
  name: string;
}

const INVENTORY_BUGS = "src/modules/inventory/inventory.bugs.ts";
const INVENTORY_DECIDE = "src/modules/inventory/inventory.decide.ts";

/**
 * Each switch in one sentence: the defect it puts back, the invariants of `GET /consistency`
 * (src/consistency/invariants.ts) that catch it, and `code`: its bug variant and the correct
 * twin it replaces, which the page shows side by side (read from these files at start-up).
 * Written once: the dashboard's "Break it" panel, the scenarios, the docs and the tests read them.
 */
export const bugDescriptions: Record<BugSwitch, { defect: string; caughtBy: readonly string[]; code: { bug: CodeRef; fix: CodeRef } }> = {
  ignoreCancellationSource: {
    defect: "Seed 000's bug: inventory hands stock back on every cancellation, whether it holds any for the order or not.",
    caughtBy: ["stock_conserved"],
    code: {
      bug: { file: INVENTORY_BUGS, name: "releaseIgnoringCancellationSource" },
      fix: { file: INVENTORY_DECIDE, name: "onOrderCancelled" },
    },
  },
  dropOrderIdOnFailure: {
    defect: "Seed 000's first bug: INVENTORY_FAILED carries no order id, so orders cannot correlate it and the saga waits for its timeout.",
    caughtBy: ["saga_progresses"],
    // The correct code emits INVENTORY_FAILED as any event, published under the order id of the event it answers.
    code: { bug: { file: INVENTORY_BUGS, name: "withoutOrderId" }, fix: { file: INVENTORY_DECIDE, name: "onReservationAttempted" } },
  },
  nonIdempotentConsumers: {
    defect: "A duplicate delivery (Redeliver, duplicate deliveries) reaches the reactions for real, and they apply it again.",
    caughtBy: ["charged_once", "stock_conserved"],
    code: {
      bug: { file: "src/modules/payments/payments.bugs.ts", name: "chargeEvenIfCharged" },
      fix: { file: "src/modules/payments/payments.decide.ts", name: "onStockReservedCharge" },
    },
  },
  publishBeforeCommit: {
    defect:
      "The dual write: the order's event is handed to the bus before its transaction commits, and a crash between the two leaves an event whose order never existed.",
    caughtBy: ["no_orphan_events"],
    code: {
      bug: { file: "src/modules/orders/orders.bugs.ts", name: "placeOrderPublishingFirst" },
      fix: { file: "src/modules/orders/orders.commands.ts", name: "placeOrder" },
    },
  },
  absoluteStockWrites: {
    defect:
      "Inventory writes “the stock it read minus the quantity” in a later step instead of one conditional delta: concurrent sagas lose updates.",
    caughtBy: ["stock_conserved"],
    code: { bug: { file: INVENTORY_BUGS, name: "confirmWritingStockRead" }, fix: { file: INVENTORY_DECIDE, name: "confirmReservation" } },
  },
  noSemanticLock: {
    defect: "A confirmation that arrives after a cancel still completes the order.",
    caughtBy: ["completed_pairing"],
    code: { bug: { file: INVENTORY_BUGS, name: "confirmIgnoringRelease" }, fix: { file: INVENTORY_DECIDE, name: "confirmReservation" } },
  },
};

/** A session's switches: each named at most once. */
export const bugListSchema = z
  .array(bugSwitchSchema)
  .max(bugSwitches.length)
  .refine((list) => new Set(list).size === list.length, { message: "each switch may be named once" });

/** Whether `bug` is on in a session whose switches are `bugs`: the one test each module's selector makes. */
export const isOn = (bugs: readonly BugSwitch[], bug: BugSwitch): boolean => bugs.length > 0 && bugs.includes(bug);
