import { type BugSwitch, bugDescriptions, type CodeRef } from "../modules/bugs";
import { ORDER_TIMEOUT_REACTION } from "../modules/orders";
import type { PlaceOrderBody } from "./scenario-runner";

/**
 * One step of a scenario's interleaving, as the runner carries it out (scenario-runner.ts):
 * - `deliver`: runs the session's first held delivery to `reaction` now;
 * - `redeliver`: hands the session's first event of `eventType` to its reactions again;
 * - `drain`: runs every held delivery, and what follows, in the order they are due, except the
 *   orders' deadlines (a deadline runs only when a step names it).
 */
export type ScenarioStep = { do: "deliver"; reaction: string } | { do: "redeliver"; eventType: string } | { do: "drain" };

export interface Scenario {
  name: string;
  title: string;
  switches: BugSwitch[];
  /** `crashBetweenWritesRate` for the run (the dual write's crash), 0 unless given. */
  crashBetweenWritesRate?: number;
  description: string;
  /** The code that lets it happen: the bug variant, or (no switch) the step where the anomaly arises. */
  bug: CodeRef;
  /** Its correct twin, or (no switch) the product's countermeasure. */
  fix: CodeRef;
  /** The orders placed first, one after another, in step mode (nothing delivered yet). */
  orders: PlaceOrderBody[];
  steps: ScenarioStep[];
}

const INVENTORY_DECIDE = "src/modules/inventory/inventory.decide.ts";
const RESERVE = "inventory.reserveStockWhenOrderCreated";

export const scenarios: readonly Scenario[] = [
  {
    name: "double-release",
    title: "Stock handed back twice",
    switches: ["ignoreCancellationSource"],
    description:
      "seed 000's bug: a payment fails, inventory hands the stock back, and the cancellation that follows hands it back again, whatever the cancellation's source. Caught by stock_conserved.",
    ...bugDescriptions.ignoreCancellationSource.code,
    orders: [{ items: [{ product: "mouse", quantity: 2 }], paymentBehaviour: "failure" }],
    steps: [{ do: "drain" }],
  },
  {
    name: "stuck-saga",
    title: "A failure nobody can correlate",
    switches: ["dropOrderIdOnFailure"],
    description:
      "seed 000's first bug: INVENTORY_FAILED carries no order id, so orders cannot tell whose reservation failed and the saga waits for its deadline. Caught by saga_progresses.",
    ...bugDescriptions.dropOrderIdOnFailure.code,
    orders: [{ items: [{ product: "laptop", quantity: 99 }] }],
    steps: [{ do: "drain" }],
  },
  {
    name: "duplicate-charge",
    title: "A duplicate delivery charges twice",
    switches: ["nonIdempotentConsumers"],
    description:
      "INVENTORY_RESERVED is delivered again after the sale completed; a consumer that is not idempotent charges the card again and takes the stock again. Caught by charged_once and stock_conserved.",
    ...bugDescriptions.nonIdempotentConsumers.code,
    orders: [{ items: [{ product: "mouse", quantity: 2 }] }],
    steps: [{ do: "drain" }, { do: "redeliver", eventType: "INVENTORY_RESERVED" }, { do: "drain" }],
  },
  {
    name: "dual-write",
    title: "Published, then crashed before the commit",
    switches: ["publishBeforeCommit"],
    crashBetweenWritesRate: 1,
    description:
      "The order's event goes to the bus before the order's transaction commits, and the server crashes in between (crashBetweenWritesRate 1): the saga runs for an order that never existed. Caught by no_orphan_events.",
    ...bugDescriptions.publishBeforeCommit.code,
    orders: [{ items: [{ product: "mouse", quantity: 1 }] }],
    steps: [{ do: "drain" }],
  },
  {
    name: "lost-update",
    title: "Two confirmations, one update lost",
    switches: ["absoluteStockWrites"],
    description:
      "Two sagas reserve the same product before either confirms; each confirmation writes the stock it read minus its quantity instead of a delta, so the second overwrites the first. Caught by stock_conserved.",
    ...bugDescriptions.absoluteStockWrites.code,
    orders: [{ items: [{ product: "mouse", quantity: 2 }] }, { items: [{ product: "mouse", quantity: 3 }] }],
    steps: [{ do: "deliver", reaction: RESERVE }, { do: "deliver", reaction: RESERVE }, { do: "drain" }],
  },
  {
    name: "dirty-read",
    title: "Refused on stock that came back",
    switches: [],
    description:
      "No switch: the first saga reserves all five laptops and its payment then fails; the second, in between, reads no stock and fails, although the first later hands the laptops back. The books balance (consistent), but the second customer was refused on a value that did not last. Countermeasures: the reservation is a semantic lock (PENDING until paid, so no other saga sells those units, and a confirmation after a release is refused); a pessimistic view (the reservation happens first, the risky step, the payment, after it); reread the value (a customer retries and reads the stock again).",
    bug: { file: INVENTORY_DECIDE, name: "onOrderCreated" },
    fix: { file: INVENTORY_DECIDE, name: "confirmReservation" },
    orders: [{ items: [{ product: "laptop", quantity: 5 }], paymentBehaviour: "failure" }, { items: [{ product: "laptop", quantity: 1 }] }],
    steps: [{ do: "deliver", reaction: RESERVE }, { do: "deliver", reaction: RESERVE }, { do: "drain" }],
  },
  {
    name: "timeout-vs-payment",
    title: "The deadline fires while the charge is in flight",
    switches: [],
    description:
      "No switch: the order's deadline cancels it after the payment was opened and before the charge lands; the charge then succeeds. The books balance (consistent) because the compensations hold in whatever order they arrive: the stock handed back for the timeout refunds the payment it finds SUCCESS (payments' onStockReleased, the product's countermeasure), and inventory refuses to confirm stock it already handed back.",
    bug: { file: "src/modules/orders/orders.decide.ts", name: "onOrderTimedOut" },
    fix: { file: "src/modules/payments/payments.decide.ts", name: "onStockReleased" },
    orders: [{ items: [{ product: "mouse", quantity: 1 }] }],
    steps: [
      { do: "deliver", reaction: RESERVE },
      { do: "deliver", reaction: "payments.openPaymentWhenStockReserved" },
      { do: "deliver", reaction: ORDER_TIMEOUT_REACTION },
      { do: "deliver", reaction: "payments.chargeWhenStockReserved" },
      { do: "drain" },
    ],
  },
];
