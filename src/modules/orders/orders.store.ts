import { AppError } from "../../platform/errors";
import type { SagaReactionContext } from "../events";
import type { OrderChange } from "./order-aggregate";
import type { OrderOutcome, OrderState } from "./orders.decide";
import type { OrderJson } from "./orders.schemas";
import { orderToJson } from "./orders.schemas";
import { fromStoredOrder, type OrdersStatements } from "./orders.sql";

/** The order's own timeout on the bus (orders.cancelOrderWhenTimedOut): what the store drops once the order is final. */
export interface OrderTimeouts {
  /** Inside the open transaction: the order's timeout, scheduled, held or dead-lettered, will never run. */
  cancel(sessionId: string, orderId: string): void;
}

/** The order as a decision is taken on it: its state, and the version of its stream that state is. */
export interface LoadedOrder {
  order: OrderState;
  /** 0 when the order is gone. */
  version: number;
}

/** An outcome ready to write: a change carries the version it will take in the stream. */
export type StoreOutcome = Exclude<OrderOutcome, { type: "record" }> | { type: "record"; change: OrderChange; version: number };

/**
 * The outcomes of a decision taken on the order at `version`: the changes it records take the
 * next versions, one each. Written with them, a change that finds the stream moved on is refused.
 */
export function atVersion(version: number, outcomes: readonly OrderOutcome[]): StoreOutcome[] {
  let next = version;
  return outcomes.map((outcome) => (outcome.type === "record" ? { ...outcome, version: ++next } : outcome));
}

/** An append that found the order's stream at another version than the one the change was decided on. */
export class StreamConflictError extends AppError {
  constructor(orderId: string, expected: number, found: number) {
    super("VERSION_CONFLICT", `Order ${orderId} is at version ${found}, not ${expected}: read it again and retry`);
  }
}

/**
 * The order book as orders' decisions see it: the state they decide on, and the writes their
 * outcomes ask for. Shared by the reactions and by the commands (a cancel asked through the
 * API is carried out exactly as a reaction's). A change is appended to the order's stream and
 * projected onto its row in the same write; an order that becomes final (completed or
 * cancelled, in every saga style) also drops its timeout, so a saga that has ended has nothing
 * left on the bus.
 */
export function ordersStore(statements: OrdersStatements, timeouts: OrderTimeouts, onConflict: () => void = () => {}) {
  const load = (sessionId: string, orderId: string): LoadedOrder => {
    const row = statements.order.get({ sessionId, orderId });
    if (!row) return { order: undefined, version: 0 };
    const { status, cancellationRequestedBy, cancellationSource, shippingBehaviour, version } = fromStoredOrder(row);
    return { order: { status, cancellationRequestedBy, cancellationSource, shipmentStep: shippingBehaviour !== null }, version };
  };

  /** Counted, then thrown: a reaction's delivery is retried on the order as it is now; the API refuses. */
  function conflict(orderId: string, expected: number, found: number): never {
    onConflict();
    throw new StreamConflictError(orderId, expected, found);
  }

  /** Moves the row from `version - 1` to `version`; false when the row is elsewhere. */
  function project(key: { sessionId: string; orderId: string }, change: OrderChange, version: number, now: number): boolean {
    const at = { ...key, version, now };
    switch (change.type) {
      case "ORDER_CREATED":
        throw new Error("An order is created by create(), never projected onto an existing row");
      case "ORDER_PROCESSING_STARTED":
        return statements.projectProcessingStarted.get({ ...at, ...change.data }) !== null;
      case "ORDER_CANCELLATION_REQUESTED":
        return statements.projectCancellationRequested.get({ ...at, ...change.data }) !== null;
      case "ORDER_COMPLETED":
        return statements.projectCompleted.get({ ...at, ...change.data }) !== null;
      case "ORDER_CANCELLED":
        return statements.projectCancelled.get({ ...at, ...change.data }) !== null;
    }
  }

  function append(key: { sessionId: string; orderId: string }, change: OrderChange, version: number, at: number): void {
    statements.appendEvent.run({ ...key, version, type: change.type, data: JSON.stringify(change.data), at });
  }

  /**
   * Writes one outcome of a decision. A refusal only matters to a caller who asked (the API);
   * to a reaction it is nothing to do.
   */
  function apply(
    sessionId: string,
    orderId: string,
    outcome: StoreOutcome,
    { now, emit }: Pick<SagaReactionContext, "now" | "emit">,
  ): undefined {
    const key = { sessionId, orderId };
    switch (outcome.type) {
      case "ignore":
      case "refuse":
        break;
      case "record": {
        const { change, version } = outcome;
        if (!project(key, change, version, now)) conflict(orderId, version - 1, load(sessionId, orderId).version);
        append(key, change, version, now);
        if (change.type === "ORDER_COMPLETED" || change.type === "ORDER_CANCELLED") timeouts.cancel(sessionId, orderId);
        break;
      }
      case "emit":
        emit(outcome.event);
        break;
    }
  }

  return {
    load,
    /** What a decision needs of the order (undefined: gone). */
    stateOf: (sessionId: string, orderId: string): OrderState => load(sessionId, orderId).order,
    apply,

    /** Writes every outcome of a decision the API asked for, taken on the order at `version` (the reactions' shell applies theirs one by one). */
    carryOut(
      sessionId: string,
      orderId: string,
      { version, outcomes }: { version: number; outcomes: readonly OrderOutcome[] },
      ctx: Pick<SagaReactionContext, "now" | "emit">,
    ): void {
      for (const outcome of atVersion(version, outcomes)) apply(sessionId, orderId, outcome, ctx);
    },

    /** Refuses (counted) an order `found` at another version than the one a caller read (`If-Match`). */
    expectVersion(orderId: string, expected: number, found: number): void {
      if (found !== expected) conflict(orderId, expected, found);
    },

    /** A new order: its row and lines, and its stream's first event, ORDER_CREATED. */
    create(key: { sessionId: string; orderId: string }, change: Extract<OrderChange, { type: "ORDER_CREATED" }>, now: number): OrderJson {
      const { data } = change;
      const order = statements.insertOrder.get({
        ...key,
        sagaId: data.sagaId,
        userId: data.userId,
        paymentBehaviour: data.paymentBehaviour,
        inventoryBehaviour: data.inventoryBehaviour,
        skipDemoDelays: data.skipDemoDelays ? 1 : 0,
        sagaStyle: data.sagaStyle,
        shippingBehaviour: data.shippingBehaviour,
        now,
      });
      if (!order) throw new Error("INSERT … RETURNING answered no row");
      const items = data.items.map((line, lineNo) => {
        const item = statements.insertItem.get({ ...key, lineNo, ...line });
        if (!item) throw new Error("INSERT … RETURNING answered no row");
        return item;
      });
      append(key, change, 1, now);
      return orderToJson(fromStoredOrder(order), items);
    },
  };
}
export type OrdersStore = ReturnType<typeof ordersStore>;
