import type { Emit } from "../../bus/bus";
import type { BusEvent } from "../../bus/event";
import { transaction } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { happens } from "../../platform/random";
import type { SagaEventDraft, SagaPayload } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { OrderJson, PlaceOrderInput } from "./orders.schemas";

/** The ids an order is placed with, chosen before its rows are written. */
export type OrderKey = { orderId: string; sagaId: string };

/** The server "crashed" between the two writes of a dual write (`crashBetweenWritesRate`): the order was never committed. */
export class SimulatedCrashError extends AppError {
  constructor(rate: number) {
    super("INTERNAL", `Simulated crash between publishing the order's event and committing the order (crashBetweenWritesRate ${rate})`);
  }
}

/** Thrown to undo the rehearsal that only collects what the order emits. */
class Rehearsal extends Error {}

type InsertOrder = (
  sessionId: string,
  input: PlaceOrderInput,
  emit: Emit<SagaPayload>,
  before: readonly SagaPayload[],
  key: OrderKey,
) => OrderJson;

/**
 * "Break it", `publishBeforeCommit`: the dual write. The correct `placeOrder` commits the order
 * and its ORDER_CREATED in one transaction (the outbox). This variant hands the event to the
 * bus in a commit of its own first, then commits the order in a second one; a crash between
 * the two (`crashBetweenWritesRate`, drawn from the injected random) leaves an event on the bus
 * whose order never existed, and the saga runs for it all the same.
 */
export function placeOrderPublishingFirst(deps: ModuleDeps, insertOrder: InsertOrder, newOrderKey: () => OrderKey) {
  return (sessionId: string, input: PlaceOrderInput): OrderJson => {
    const key = newOrderKey();
    // What the order would emit, with its ids: written and rolled back, so nothing of it stays.
    const drafts: SagaEventDraft[] = [];
    try {
      transaction(deps.db, () => {
        const collect = (draft: SagaEventDraft) => {
          drafts.push(draft);
          // Its answer is not read: the rehearsal is undone.
          return draft as BusEvent<SagaPayload>;
        };
        insertOrder(sessionId, input, collect, [], key);
        throw new Rehearsal();
      });
    } catch (error) {
      if (!(error instanceof Rehearsal)) throw error;
    }
    // First write: the event, published.
    const published = deps.bus.transact((emit) => drafts.map((draft) => emit(draft)));
    const rate = deps.settings.of(sessionId).crashBetweenWritesRate;
    if (happens(rate, deps.random)) throw new SimulatedCrashError(rate);
    // Second write: the order's rows, without the events already out.
    return deps.bus.transact(() => insertOrder(sessionId, input, () => published[0] as BusEvent<SagaPayload>, [], key));
  };
}
