import {
  create,
  type DescMessage,
  type DescMethodUnary,
  type JsonValue,
  type MessageInitShape,
  type MessageShape,
  toJson,
} from "@bufbuild/protobuf";
import { type CallOptions, type Client, Code, ConnectError } from "@connectrpc/connect";
import { InventoryService } from "../../gen/inventory/v1/inventory_pb";
import { PaymentService } from "../../gen/payments/v1/payments_pb";
import { SAGA_HEADER } from "../../platform/rpc-context";
import { SESSION_HEADER } from "../../platform/session";
import type { SagaPayload } from "../events";
import type { ModuleDeps } from "../module-deps";
import type { OrderJson, PlaceOrderInput } from "./orders.schemas";
import type { OrdersStore } from "./orders.store";
import { type CallAnswer, nextRpcStep, type RpcCall, type RpcProgress } from "./rpc-saga.decide";

/**
 * How the order service reaches the other services in an rpc-style saga: real Connect clients
 * (so every call is serialized as a remote one is), and a way to wait out a demo delay on the
 * injected timer. The composition root builds it (rpc/rpc-clients.ts); orders never imports
 * inventory or payments.
 */
export interface RpcSagaPort {
  inventory: Client<typeof InventoryService>;
  payments: Client<typeof PaymentService>;
  sleep(ms: number): Promise<void>;
}

/** An RPC_CALL record, ready to be emitted. */
type CallRecord = Extract<SagaPayload, { type: "RPC_CALL" }>;

const wire = { useProtoFieldName: true } as const;
const asObject = (json: JsonValue): Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json) ? json : { value: json };

/** What creating the order needs: orders.commands.ts inserts it (once per Idempotency-Key) with the check's record before ORDER_CREATED. */
export type CreateRpcOrder = (
  sessionId: string,
  input: PlaceOrderInput,
  checkRecord: CallRecord,
) => Promise<{ order: OrderJson; replayed: boolean }>;

/**
 * The rpc saga style's shell: makes each call nextRpcStep asks for, after its demo delay,
 * records it on the order's log (RPC_CALL) together with the order's own move, and answers the
 * order when the chain has ended. Nothing of the chain is durable but what each call wrote:
 * a crash in the middle leaves the reservation to its expiration and the order to its timeout.
 */
export function rpcSaga(deps: ModuleDeps, store: OrdersStore, port: () => RpcSagaPort) {
  /** Makes one call (its demo delay waited out since `startedAt`), and answers it with its record; an error is an answer too. */
  async function logged<M extends DescMethodUnary>(
    service: { typeName: string },
    method: M,
    request: MessageInitShape<M["input"]>,
    startedAt: number,
    invoke: (request: MessageInitShape<M["input"]>) => Promise<MessageShape<M["output"]>>,
  ): Promise<{ response: MessageShape<M["output"]> | null; error: ConnectError | null; record: CallRecord }> {
    let response: MessageShape<M["output"]> | null = null;
    let error: ConnectError | null = null;
    try {
      response = await invoke(request);
    } catch (thrown) {
      error = ConnectError.from(thrown);
    }
    const input: DescMessage = method.input;
    const record: CallRecord = {
      type: "RPC_CALL",
      data: {
        service: service.typeName,
        method: method.name,
        request: asObject(toJson(input, create(input, request), wire)),
        response: response
          ? asObject(toJson(method.output, response, wire))
          : { error: { code: Code[error?.code ?? Code.Unknown], message: error?.rawMessage ?? "" } },
        durationMs: deps.clock.now() - startedAt,
      },
    };
    return { response, error, record };
  }

  return {
    /** `POST /orders` for an order placed with `sagaStyle: "rpc"`: answers when the chain has ended, with the order as it then is. */
    async place(sessionId: string, input: PlaceOrderInput, createOrder: CreateRpcOrder): Promise<{ order: OrderJson; replayed: boolean }> {
      const { inventory, payments, sleep } = port();
      const wait = (ms: number) => (ms > 0 ? sleep(ms) : Promise.resolve());
      const settings = deps.settings.of(sessionId);
      const delay = {
        inventory: input.skipDemoDelays ? 0 : settings.inventoryDelayMs,
        payment: input.skipDemoDelays ? 0 : settings.paymentDelayMs,
      };
      // The session and, once there is one, the saga travel as headers, as a trace id would.
      const headers = (sagaId: string | null): CallOptions => ({
        headers: { [SESSION_HEADER]: sessionId, ...(sagaId ? { [SAGA_HEADER]: sagaId } : {}) },
      });
      const answerOf = (error: ConnectError | null, ok: boolean | undefined, message: string | undefined): CallAnswer =>
        error ? { ok: false, message: `${Code[error.code]}: ${error.rawMessage}` } : { ok: ok ?? false, message: message ?? "" };

      const checkStartedAt = deps.clock.now();
      await wait(delay.inventory);
      const checked = await logged(
        InventoryService,
        InventoryService.method.checkInventoryAvailability,
        { items: input.items.map((line) => ({ productId: line.product, quantity: line.quantity })) },
        checkStartedAt,
        (request) => inventory.checkInventoryAvailability(request, headers(null)),
      );
      const short = (checked.response?.items ?? [])
        .filter((item) => !item.isAvailable)
        .map((item) =>
          item.status === "UNKNOWN_PRODUCT"
            ? `${item.productId} (unknown product, requested: ${item.requestedQuantity})`
            : `${item.productId} (requested: ${item.requestedQuantity}, available: ${item.availableQuantity})`,
        );
      const check: CallAnswer = checked.error
        ? answerOf(checked.error, false, "")
        : { ok: checked.response?.allAvailable ?? false, message: `Insufficient stock: ${short.join(", ")}` };

      const created = await createOrder(sessionId, input, checked.record);
      if (created.replayed) return created;
      const { id: orderId, sagaId } = created.order;
      const reservationTtlMs = settings.reservationTtlMs;
      let progress: RpcProgress = { check };

      /** The call the chain asked for, made; answers its record and what it adds to the progress. */
      async function perform(next: RpcCall, startedAt: number): Promise<{ record: CallRecord; progress: RpcProgress }> {
        const options = headers(sagaId);
        const reservationId = progress.reserve?.reservationId ?? "";
        switch (next) {
          case "reserve": {
            const { response, error, record } = await logged(
              InventoryService,
              InventoryService.method.reserveInventory,
              {
                items: input.items.map((line) => ({ inventoryItemId: line.product, quantity: line.quantity })),
                referenceId: orderId,
                referenceType: "ORDER",
                // The session's reservationTtlMs, rounded up to whole minutes (the field's unit); else seed 002's 30.
                expirationMinutes: reservationTtlMs === null ? 30 : Math.ceil(reservationTtlMs / 60_000),
                behaviour: input.inventoryBehaviourGiven ? input.inventoryBehaviour : "",
              },
              startedAt,
              (request) => inventory.reserveInventory(request, options),
            );
            const reserve = {
              ...answerOf(error, response?.success, response?.message),
              reservationId: response?.reservationId ?? "",
              totalCents: Number(response?.totalCents ?? 0n),
            };
            return { record, progress: { ...progress, reserve } };
          }
          case "charge": {
            const { response, error, record } = await logged(
              PaymentService,
              PaymentService.method.charge,
              {
                orderId,
                amountCents: BigInt(progress.reserve?.totalCents ?? 0),
                behaviour: input.paymentBehaviourGiven ? input.paymentBehaviour : "",
              },
              startedAt,
              (request) => payments.charge(request, options),
            );
            return { record, progress: { ...progress, charge: answerOf(error, response?.success, response?.message) } };
          }
          case "commit": {
            const { response, error, record } = await logged(
              InventoryService,
              InventoryService.method.commitReservation,
              { reservationId },
              startedAt,
              (request) => inventory.commitReservation(request, options),
            );
            return { record, progress: { ...progress, commit: answerOf(error, response?.success, response?.message) } };
          }
          case "cancelReservation": {
            const { response, error, record } = await logged(
              InventoryService,
              InventoryService.method.cancelReservation,
              { reservationId },
              startedAt,
              (request) => inventory.cancelReservation(request, options),
            );
            return { record, progress: { ...progress, cancelReservation: answerOf(error, response?.success, response?.message) } };
          }
          case "refund": {
            const { response, error, record } = await logged(
              PaymentService,
              PaymentService.method.refund,
              { orderId, reason: "the sale could not be completed" },
              startedAt,
              (request) => payments.refund(request, options),
            );
            return { record, progress: { ...progress, refund: answerOf(error, response?.success, response?.message) } };
          }
        }
      }

      /**
       * The last call's record, the next step decided on the order as it is now, and the order's
       * own move it asks for: one transaction, as a reaction's delivery is.
       */
      const decideAndWrite = (records: readonly CallRecord[]) =>
        deps.bus.transact((emit) => {
          const draft = (payload: SagaPayload) => emit({ ...payload, sessionId, sagaId, orderId, causationId: null, style: "rpc" });
          for (const record of records) draft(record);
          const { order, version } = store.load(sessionId, orderId);
          const step = nextRpcStep(progress, order);
          store.carryOut(sessionId, orderId, { version, outcomes: step.outcomes }, { now: deps.clock.now(), emit: draft });
          return step;
        });

      let records: CallRecord[] = [];
      for (;;) {
        let step = decideAndWrite(records);
        records = [];
        if (step.type === "end") break;
        const startedAt = deps.clock.now();
        const delayMs = step.call === "charge" || step.call === "refund" ? delay.payment : delay.inventory;
        if (delayMs > 0) {
          // The service is slow (its demo delay); the order may be cancelled meanwhile, so the
          // chain decides again once the wait is over, and calls only if it still should.
          await wait(delayMs);
          const asked = step.call;
          step = decideAndWrite([]);
          if (step.type === "end") break;
          if (step.call !== asked) continue;
        }
        const made = await perform(step.call, startedAt);
        progress = made.progress;
        records = [made.record];
      }
      return { order: created.order, replayed: false };
    },
  };
}
export type RpcSaga = ReturnType<typeof rpcSaga>;
