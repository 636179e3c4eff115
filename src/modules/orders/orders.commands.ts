import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { Emit } from "../../bus/bus";
import { onTransaction } from "../../platform/db";
import { IdempotencyKeyReusedError, InvalidStateError, NotFoundError } from "../../platform/errors";
import { giveWay } from "../../platform/give-way";
import { isOn } from "../bugs";
import type { SagaPayload } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { RequestedCancellation } from "../saga-terms";
import { type OrderKey, placeOrderPublishingFirst } from "./orders.bugs";
import { decideIdempotentOrder, IDEMPOTENCY_KEY_TTL_MS, onOrdersReset, requestCancellation, shipmentTermsOf } from "./orders.decide";
import type { OrdersQueries } from "./orders.queries";
import type { SessionQuota } from "./orders.quota";
import type { OrderJson, PlaceOrderInput } from "./orders.schemas";
import { idempotencyKeys, type OrdersStatements, orderEvents, orders } from "./orders.sql";
import type { OrdersStore } from "./orders.store";
import type { RpcSaga, RpcSagaPort } from "./rpc-saga";

/** What an Idempotency-Key remembers of a body: its hash. */
const hashOf = (fingerprint: unknown): string => createHash("sha256").update(JSON.stringify(fingerprint)).digest("hex");

/** Orders reset per transaction by `POST /orders/reset` (a slice of 5,000 lines' orders takes a few ms). */
export const RESET_SLICE = 250;

/** What the composition root may add to orders' commands without orders knowing the other modules. */
export interface OrdersHooks {
  /** After `POST /orders/reset` has dropped the orders: the other modules drop their own rows of them. */
  afterReset?: (sessionId: string) => Promise<unknown>;
  /** The other services' RPC clients, for rpc-style orders; asked for when such an order is placed. */
  rpc?: () => RpcSagaPort;
  /** An append refused because the order's stream had moved on (the metrics count it). */
  onStreamConflict?: () => void;
}

/**
 * What a caller may add to placing an order: `alongside` runs inside the order's own savepoint
 * (a cart deleted as it is checked out: both written or neither); `fingerprint` is what the
 * Idempotency-Key's body hash is taken of instead of the input (a checkout names its cart, whose
 * lines are gone once it is checked out).
 */
export interface PlaceOrderOptions {
  alongside?: () => void;
  fingerprint?: unknown;
}

/** The parts the commands write and read through. */
export interface OrdersCommandParts {
  statements: OrdersStatements;
  store: OrdersStore;
  quota: SessionQuota;
  reads: OrdersQueries;
  /** The rpc saga style's chain of calls. */
  rpc: RpcSaga;
}

/**
 * What the API asks of orders: place an order (once per Idempotency-Key), ask for a cancel,
 * reset the session's orders. Each decision is a pure function of orders.decide.ts; a cancel is
 * written through the store the reactions share.
 */
export function ordersCommands(deps: ModuleDeps, { statements, store, quota, reads, rpc }: OrdersCommandParts, hooks: OrdersHooks = {}) {
  const { db, bus } = deps;
  /** The style an order is placed with: its own, else the session's setting now (and it keeps it). */
  const styleOf = (sessionId: string, input: PlaceOrderInput) => input.sagaStyle ?? deps.settings.of(sessionId).sagaStyle;

  /** Inside the caller's savepoint: the order, its lines and its ORDER_CREATED (after `before`: an rpc saga's first call). */
  function insertOrder(
    sessionId: string,
    input: PlaceOrderInput,
    emit: Emit<SagaPayload>,
    before: readonly SagaPayload[] = [],
    key: OrderKey = newOrderKey(),
    alongside?: () => void,
  ): OrderJson {
    quota.take(sessionId, input.items.length);
    // Rolled back (this order's savepoint, or the whole group commit it shares): counted again on the next order.
    onTransaction(db, { undo: () => quota.forget(sessionId) });
    const order = insertCounted(sessionId, input, emit, before, key);
    alongside?.();
    return order;
  }

  function insertCounted(
    sessionId: string,
    input: PlaceOrderInput,
    emit: Emit<SagaPayload>,
    before: readonly SagaPayload[],
    { orderId, sagaId }: OrderKey,
  ): OrderJson {
    const now = deps.clock.now();
    const settings = deps.settings.of(sessionId);
    // The order keeps the style and the steps it was placed with: a later change of the settings moves no saga in flight.
    const sagaStyle = input.sagaStyle ?? settings.sagaStyle;
    const { shippingBehaviour: _asked, ...placed } = input;
    // The styles whose saga has a shipment step: choreography (shipping's reactions) and
    // orchestration (the orchestrator's step list); a synchronous chain has none.
    const shipment = shipmentTermsOf(sagaStyle !== "rpc" && settings.shipmentStep, input);
    const order = store.create(
      { sessionId, orderId },
      {
        type: "ORDER_CREATED",
        data: {
          sagaId,
          userId: input.userId,
          items: input.items,
          paymentBehaviour: input.paymentBehaviour,
          inventoryBehaviour: input.inventoryBehaviour,
          skipDemoDelays: input.skipDemoDelays,
          sagaStyle,
          shippingBehaviour: shipment?.behaviour ?? null,
        },
      },
      now,
    );
    for (const payload of before) emit({ ...payload, sessionId, sagaId, orderId, causationId: null, style: sagaStyle });
    emit({
      type: "ORDER_CREATED",
      sessionId,
      sagaId,
      orderId,
      causationId: null,
      style: sagaStyle,
      data: { ...placed, sagaStyle, ...(shipment ? { shipment } : {}) },
    });
    return order;
  }

  const newOrderKey = (): OrderKey => ({ orderId: deps.ids.uuid(), sagaId: deps.ids.uuid() });
  /** The bug variant's dual write, with the caller's `alongside` in each of its writes of the order. */
  const publishingFirst = (alongside?: () => void) =>
    placeOrderPublishingFirst(
      deps,
      (sessionId, input, emit, before, key) => insertOrder(sessionId, input, emit, before, key, alongside),
      newOrderKey,
    );

  /** One slice of `POST /orders/reset`: these orders and their sagas' history gone, what their dropped work would have given back asked for again. */
  function resetSlice(sessionId: string, orderIds: readonly string[]): void {
    bus.transact((emit) => {
      const present = new Map(
        db
          .select({
            id: orders.id,
            sagaId: orders.sagaId,
            status: orders.status,
            cancellationRequestedBy: orders.cancellationRequestedBy,
            cancellationSource: orders.cancellationSource,
            shippingBehaviour: orders.shippingBehaviour,
          })
          .from(orders)
          .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
          .all()
          .map(({ shippingBehaviour, ...order }) => [order.id, { ...order, shipmentStep: shippingBehaviour !== null }]),
      );
      // An order already gone keeps only what an earlier reset emitted for it, and its follow-ups.
      const holding = new Map(
        bus.queries.sagasThatEmitted(sessionId, orderIds, ["INVENTORY_RESERVED", "ORDER_CANCELLED"]).map((s) => [s.orderId, s.sagaId]),
      );
      const withWork = new Set(bus.queries.ordersWithPendingWork(sessionId, orderIds));
      const compensations = orderIds.flatMap((orderId) => {
        const order = present.get(orderId);
        const outcomes = onOrdersReset({ order, mayHold: holding.has(orderId), pendingWork: withWork.has(orderId) });
        const sagaId = order?.sagaId ?? holding.get(orderId);
        return sagaId === undefined ? [] : outcomes.flatMap((o) => (o.type === "emit" ? [{ orderId, sagaId, event: o.event }] : []));
      });
      db.delete(orders)
        .where(and(eq(orders.sessionId, sessionId), inArray(orders.id, [...orderIds])))
        .run();
      db.delete(orderEvents)
        .where(and(eq(orderEvents.sessionId, sessionId), inArray(orderEvents.orderId, [...orderIds])))
        .run();
      bus.forgetOrders(sessionId, orderIds);
      // After the history is gone: these are the first events of what is left of each saga. The
      // compensation is choreographed whatever the saga's style: an orchestrator's log goes with
      // the orders, and inventory and payments undo what they hold on ORDER_CANCELLED alone.
      for (const { orderId, sagaId, event } of compensations) {
        emit({ ...event, sessionId, sagaId, orderId, causationId: null, style: "choreography" });
      }
    });
  }

  return {
    /**
     * Records the order and its ORDER_CREATED event in one transaction; the saga starts from
     * there. An rpc-style order is answered only when its chain of calls has ended (rpc-saga.ts).
     */
    async placeOrder(sessionId: string, input: PlaceOrderInput, { alongside }: PlaceOrderOptions = {}): Promise<OrderJson> {
      if (styleOf(sessionId, input) === "rpc") {
        const placed = await rpc.place(sessionId, { ...input, sagaStyle: "rpc" }, (sid, given, checkRecord) =>
          bus.transactTogether((emit) => ({
            order: insertOrder(sid, given, emit, [checkRecord], newOrderKey(), alongside),
            replayed: false,
          })),
        );
        return reads.findOrder(sessionId, placed.order.id) ?? placed.order;
      }
      // The one place orders' bug variant is chosen (orders.bugs.ts).
      if (isOn(deps.settings.of(sessionId).bugs, "publishBeforeCommit")) return publishingFirst(alongside)(sessionId, input);
      // Committed together with the other orders placed in this turn of the event loop (see Bus.transactTogether).
      return bus.transactTogether((emit) => insertOrder(sessionId, input, emit, [], newOrderKey(), alongside));
    },

    /**
     * `POST /orders` with `Idempotency-Key`: the same key and body within 24 h answer the order
     * the first request created (`replayed`), and create nothing; the same key with another body
     * is refused (422). The key is looked up and written in the order's own savepoint, and
     * concurrent requests commit one after another, so two requests with one key make one order.
     * (An rpc-style order's availability check is made first; a replay then records nothing.)
     */
    async placeOrderOnce(
      sessionId: string,
      input: PlaceOrderInput,
      key: string,
      { alongside, fingerprint = input }: PlaceOrderOptions = {},
    ): Promise<{ order: OrderJson; replayed: boolean }> {
      const bodyHash = hashOf(fingerprint);
      const once = (given: PlaceOrderInput, before: readonly SagaPayload[]) =>
        bus.transactTogether((emit) => {
          const now = deps.clock.now();
          const decision = decideIdempotentOrder(statements.idempotencyKey.get({ sessionId, key }), bodyHash, now);
          if (decision.type === "refuse") throw new IdempotencyKeyReusedError();
          if (decision.type === "replay") {
            const first = reads.findOrder(sessionId, decision.orderId);
            if (first) return { order: first, replayed: true };
          }
          statements.forgetExpiredIdempotencyKeys.run({ sessionId, before: now - IDEMPOTENCY_KEY_TTL_MS });
          const order = insertOrder(sessionId, given, emit, before, newOrderKey(), alongside);
          statements.rememberIdempotencyKey.run({ sessionId, key, bodyHash, orderId: order.id, now });
          return { order, replayed: false };
        });
      if (styleOf(sessionId, input) !== "rpc") return once(input, []);
      const placed = await rpc.place(sessionId, { ...input, sagaStyle: "rpc" }, (_sid, given, checkRecord) => once(given, [checkRecord]));
      return placed.replayed ? placed : { order: reads.findOrder(sessionId, placed.order.id) ?? placed.order, replayed: false };
    },

    /**
     * The order a retried `Idempotency-Key` names, read without writing: the first order for the
     * same fingerprint, null for a key not used (or expired), refused (422) for another fingerprint.
     */
    replayOf(sessionId: string, key: string, fingerprint: unknown): OrderJson | null {
      const decision = decideIdempotentOrder(statements.idempotencyKey.get({ sessionId, key }), hashOf(fingerprint), deps.clock.now());
      if (decision.type === "refuse") throw new IdempotencyKeyReusedError();
      return decision.type === "replay" ? (reads.findOrder(sessionId, decision.orderId) ?? null) : null;
    },

    /**
     * Asks for the saga to be undone (`POST /orders/:id/cancel`, an operator's compensation):
     * recorded on the order and announced (ORDER_CANCELLATION_REQUESTED) in one transaction.
     * Inventory then hands back or puts back the stock and the order is cancelled; payments
     * refunds what was taken. Already cancelled: 409. Asked already: the order as it is.
     */
    requestCancellation(
      sessionId: string,
      orderId: string,
      source: RequestedCancellation,
      reason: string,
      { ifVersion }: { ifVersion?: number } = {},
    ): OrderJson {
      return bus.transact((emit) => {
        const row = statements.order.get({ sessionId, orderId });
        if (!row) throw new NotFoundError(`Order ${orderId}`);
        const { order, version } = store.load(sessionId, orderId);
        if (ifVersion !== undefined) store.expectVersion(orderId, ifVersion, version);
        const outcomes = requestCancellation(order, source, reason);
        const refused = outcomes.find((outcome) => outcome.type === "refuse");
        if (refused) throw new InvalidStateError(refused.reason);
        store.carryOut(
          sessionId,
          orderId,
          { version, outcomes },
          {
            now: deps.clock.now(),
            emit: (payload) => emit({ ...payload, sessionId, sagaId: row.sagaId, orderId, causationId: null, style: row.sagaStyle }),
          },
        );
        return reads.getOrder(sessionId, orderId);
      });
    },

    /**
     * `POST /orders/reset`: the session's orders and, with them, the saga history on the bus.
     * Dropping the events also drops their deliveries (scheduled, held or dead), so a saga in
     * flight would never finish, and a cancel already accepted would never restock or refund:
     * the stock or money would stay held forever. Which sagas are therefore cancelled in the same
     * transaction is onOrdersReset's decision (orders.decide.ts): an ORDER_CANCELLED (operator) is
     * emitted after the history is gone, inventory releases or puts back the stock and payments
     * void or refund the charge. A saga still waiting for inventory holds nothing, and a completed
     * sale nobody cancelled stays sold: dropping their history leaves no event behind.
     *
     * A session may keep thousands of orders, so the reset goes RESET_SLICE orders at a time, one
     * transaction each, giving way to other requests between them. Every saga is reset whole in
     * one transaction, and no saga depends on another, so the books balance after every slice.
     * It resets the orders (and the history of the orders) that exist when it starts; an order
     * placed while it runs is kept.
     */
    async resetOrders(sessionId: string): Promise<void> {
      const orderIds = [
        ...new Set([...statements.sessionOrderIds.all({ sessionId }).map((row) => row.id), ...bus.queries.sessionOrderIds(sessionId)]),
      ];
      // A key names an order: with the orders gone, so are the keys.
      db.delete(idempotencyKeys).where(eq(idempotencyKeys.sessionId, sessionId)).run();
      for (let start = 0; start < orderIds.length; start += RESET_SLICE) {
        resetSlice(sessionId, orderIds.slice(start, start + RESET_SLICE));
        quota.forget(sessionId);
        await giveWay();
      }
      bus.forgetOrphanDeliveries(sessionId);
      await hooks.afterReset?.(sessionId);
      deps.changes.announce(sessionId, "ORDERS_RESET");
    },
  };
}
export type OrdersCommands = ReturnType<typeof ordersCommands>;
