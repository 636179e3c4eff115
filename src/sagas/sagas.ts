import { z } from "zod";
import type { BusQueries } from "../bus/bus.queries";
import type { EventLog } from "../bus/event-log";
import type { Steering } from "../bus/steering";
import type { SagaPayload } from "../modules/events";
import type { OrchestratorModule } from "../modules/orchestrator";
import { currentStepOf } from "../modules/orchestrator/orchestrator.decide";
import { type OrderJson, type OrderRow, type OrderStatus, type OrdersModule, orderStatuses } from "../modules/orders";
import { type SettingsReader, sagaStyleSchema } from "../modules/session-settings";
import type { Clock } from "../platform/clock";
import { toIso } from "../platform/clock";
import { InvalidStateError, NotFoundError } from "../platform/errors";
import { sagaStepJsonSchema, stepsFromEvents, stepToJson } from "./saga-steps";

export const sagaStatuses = ["running", "completed", "cancelled", "stuck"] as const;
export type SagaStatus = (typeof sagaStatuses)[number];

/** An operator's view of one saga (`GET /sagas`). */
export const sagaViewSchema = z
  .object({
    sagaId: z.string(),
    orderId: z.string(),
    status: z
      .enum(sagaStatuses)
      .describe("stuck: a delivery is dead-lettered (whatever the order's status), or the order is not final after orderTimeoutMs"),
    orderStatus: z.enum(orderStatuses),
    step: z.string().nullable().describe("The type of the saga's last event"),
    startedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    pendingDeliveries: z.number().int(),
    deadLetters: z.number().int(),
  })
  .meta({ id: "Saga" });
export type SagaView = z.infer<typeof sagaViewSchema>;

/** `GET /sagas/:id`: the saga's view, its style, and its steps (seed 003's saga log). */
export const sagaDetailSchema = sagaViewSchema
  .extend({
    style: sagaStyleSchema,
    currentStep: z.string().nullable().describe("The step running or being undone now; null when none is"),
    steps: z
      .array(sagaStepJsonSchema)
      .describe("Orchestrated: the orchestrator's log. Otherwise read back from the saga's events, under the same step names"),
  })
  .meta({ id: "SagaDetail" });
export type SagaDetail = z.infer<typeof sagaDetailSchema>;

export interface SagaSources {
  orders: Pick<OrdersModule, "queries" | "commands">;
  bus: { queries: Pick<BusQueries<SagaPayload>, "sagaProgress">; log: Pick<EventLog<SagaPayload>, "orderEvents"> };
  orchestrator: Pick<OrchestratorModule, "queries">;
  steering: Pick<Steering<SagaPayload>, "deadLetters" | "retry">;
  settings: SettingsReader;
  clock: Clock;
}

/**
 * Where a saga stands for an operator. A dead letter is work nothing will run again by itself,
 * so a saga with one is stuck whatever its order says: a cancelled order whose refund died keeps
 * its money until someone retries it. Otherwise the order's final status says how it ended, and
 * an order not final after its timeout is stuck (its deadline is held, or failed).
 */
export function sagaStatusOf(saga: { orderStatus: OrderStatus; deadLetters: number; overdue: boolean }): SagaStatus {
  if (saga.deadLetters > 0) return "stuck";
  if (saga.orderStatus === "COMPLETED") return "completed";
  if (saga.orderStatus === "CANCELLED") return "cancelled";
  return saga.overdue ? "stuck" : "running";
}

/** At most this many sagas (the session's newest orders) are looked at. */
export const SAGAS_SCANNED = 1_000;

/**
 * The operator's view of every saga of a session, and the two things an operator does to one:
 * retry its dead letters, or compensate it (cancel as `operator`, with the same compensation as
 * a customer's cancel). It owns nothing: it reads the orders module and the bus, and acts
 * through them. A saga is `stuck` when a delivery of it is dead-lettered, whatever its order's
 * status, or when its order is still not final after the session's orderTimeoutMs (its deadline
 * is held, or failed).
 */
export function sagaAdmin(sources: SagaSources) {
  /** What a saga's view needs of its order (a row or an order's JSON, `createdAt` in ms). */
  type SagaOrder = Pick<OrderRow, "id" | "sagaId" | "sessionId" | "status" | "createdAt">;

  function viewOf(order: SagaOrder, progress: ReturnType<BusQueries<SagaPayload>["sagaProgress"]>): SagaView {
    const saga = progress.get(order.id);
    const startedAt = order.createdAt;
    const deadLetters = saga?.deadLetters ?? 0;
    const overdue = sources.clock.now() > startedAt + sources.settings.of(order.sessionId).orderTimeoutMs;
    const status = sagaStatusOf({ orderStatus: order.status, deadLetters, overdue });
    return {
      sagaId: order.sagaId,
      orderId: order.id,
      status,
      orderStatus: order.status,
      step: saga?.step ?? null,
      startedAt: toIso(startedAt),
      updatedAt: toIso(saga ? Math.max(saga.stepAt, startedAt) : startedAt),
      pendingDeliveries: saga?.pending ?? 0,
      deadLetters,
    };
  }

  function findSaga(sessionId: string, sagaId: string): OrderJson {
    const order = sources.orders.queries.findOrderBySaga(sessionId, sagaId);
    if (!order) throw new NotFoundError(`Saga ${sagaId}`);
    return order;
  }

  function sagaView(sessionId: string, sagaId: string): SagaDetail {
    const order = findSaga(sessionId, sagaId);
    const view = viewOf({ ...order, createdAt: Date.parse(order.createdAt) }, sources.bus.queries.sagaProgress(sessionId, [order.id]));
    const orchestrated = order.sagaStyle === "orchestration" ? sources.orchestrator.queries.sagaOf(sessionId, order.id) : undefined;
    const steps = orchestrated ? orchestrated.log.steps : stepsFromEvents(sources.bus.log.orderEvents(sessionId, order.id));
    const currentStep = orchestrated
      ? currentStepOf(orchestrated.log)
      : (steps.find((step) => step.status === "running" || step.status === "compensating")?.name ?? null);
    return { ...view, style: order.sagaStyle, currentStep, steps: steps.map(stepToJson) };
  }

  return {
    /** Newest first, at most `limit`, of the given status when asked. */
    listSagas(sessionId: string, options: { status?: SagaStatus; limit: number }) {
      const orders = sources.orders.queries.recentOrders(sessionId, SAGAS_SCANNED);
      const progress = sources.bus.queries.sagaProgress(
        sessionId,
        orders.map((order) => order.id),
      );
      return orders
        .map((order) => viewOf(order, progress))
        .filter((saga) => options.status === undefined || saga.status === options.status)
        .slice(0, options.limit);
    },

    sagaView,

    /** Runs each dead letter of the saga once more, now; 409 when it has none. */
    retrySaga(sessionId: string, sagaId: string) {
      const order = findSaga(sessionId, sagaId);
      const dead = sources.steering.deadLetters(sessionId, Number.MAX_SAFE_INTEGER).filter((d) => d.eventOrderId === order.id);
      if (dead.length === 0) throw new InvalidStateError(`Saga ${sagaId} has no dead letters to retry`);
      for (const delivery of dead) sources.steering.retry(sessionId, delivery.id);
      return sagaView(sessionId, sagaId);
    },

    /** Cancels the saga as an operator: its stock handed back or put back, its money refunded. 409 when already cancelled. */
    compensateSaga(sessionId: string, sagaId: string) {
      const order = findSaga(sessionId, sagaId);
      sources.orders.commands.requestCancellation(sessionId, order.id, "operator", "Compensated by an operator");
      return sagaView(sessionId, sagaId);
    },
  };
}
export type SagaAdmin = ReturnType<typeof sagaAdmin>;
