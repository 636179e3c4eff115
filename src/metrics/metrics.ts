import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DeliveryOutcome } from "../bus/delivery-log";
import type { BusEvent } from "../bus/event";
import type { SagaPayload } from "../modules/events";

/** What the metrics read when Prometheus scrapes: the relay's backlog and the server's open streams and sessions. */
export interface MetricsSources {
  /** How late the relay is on its earliest due work, in ms (0: up to date). */
  relayLagMs(): number;
  /** Events the relay has not reached plus scheduled deliveries. */
  relayPending(): number;
  openStreams(): number;
  /** Sessions with a row in any table (kept in memory: a scrape runs no query for it). */
  sessions(): number;
}

/** Sagas whose start time is remembered for their duration; beyond it the oldest is forgotten (its duration is not observed). */
export const SAGA_STARTS_KEPT = 100_000;

const sagaDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const httpDurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The server's Prometheus metrics (`GET /metrics`), with prom-client. Nothing here is per
 * session: no label carries a session id, an order id or a raw path, so every label has a
 * small, fixed set of values (outcomes, event types, reaction names, route patterns). The saga
 * series are counted from the events the bus announces after their commit, so a rolled-back
 * step is never counted; delivery outcomes come from the relay after its round commits.
 */
export function serverMetrics(sources: MetricsSources) {
  const registry = new Registry();
  const sagasStarted = new Counter({
    name: "saga_started_total",
    help: "Sagas started (orders placed), by saga style",
    labelNames: ["style"] as const,
    registers: [registry],
  });
  const sagasFinished = new Counter({
    name: "saga_finished_total",
    help: "Sagas finished, by saga style, outcome (completed, cancelled) and, for a cancel, its source",
    labelNames: ["style", "outcome", "reason"] as const,
    registers: [registry],
  });
  const sagaDuration = new Histogram({
    name: "saga_duration_seconds",
    help: "From ORDER_CREATED to ORDER_COMPLETED or ORDER_CANCELLED, demo delays included, by saga style",
    labelNames: ["style", "outcome"] as const,
    buckets: sagaDurationBuckets,
    registers: [registry],
  });
  // The two counters a saga moves a dozen times are tallied in a Map and handed to prom-client
  // when scraped: its inc() hashes the labels each call (about 1.3 µs; see docs/performance.md).
  const eventTally = new Map<string, { type: string; style: string; n: number }>();
  const deliveryTally = new Map<string, { reaction: string; outcome: DeliveryOutcome; n: number }>();
  new Counter({
    name: "bus_events_total",
    help: "Events and commands committed to the bus, by type and saga style",
    labelNames: ["type", "style"] as const,
    registers: [registry],
    collect() {
      for (const { type, style, n } of eventTally.values()) this.inc({ type, style }, n);
      eventTally.clear();
    },
  });
  new Counter({
    name: "bus_deliveries_total",
    help: "Delivery attempts, by reaction and outcome (applied, duplicate_ignored, failed, dead_lettered)",
    labelNames: ["reaction", "outcome"] as const,
    registers: [registry],
    collect() {
      for (const { reaction, outcome, n } of deliveryTally.values()) this.inc({ reaction, outcome }, n);
      deliveryTally.clear();
    },
  });
  const conflicts = new Counter({
    name: "inventory_reservation_conflicts_total",
    help: "Reservations refused because a product was short or unknown (INVENTORY_FAILED)",
    registers: [registry],
  });
  const streamConflicts = new Counter({
    name: "orders_stream_conflicts_total",
    help: "Appends to an order's stream refused because it had moved on from the version they were decided on (a stale If-Match, or a writer that raced another)",
    registers: [registry],
  });
  const cartOperations = new Counter({
    name: "cart_operations_total",
    help: "Changes to carts, by operation (created, item_set, item_removed, checked_out)",
    labelNames: ["operation"] as const,
    registers: [registry],
  });
  const cartsAbandoned = new Counter({
    name: "carts_abandoned_total",
    help: "Carts that expired (not changed for the session's cartTtlMs), each counted once, when first found expired",
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP requests, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: httpDurationBuckets,
    registers: [registry],
  });
  new Gauge({
    name: "bus_relay_lag_seconds",
    help: "How late the relay is on its earliest due work (0: up to date)",
    registers: [registry],
    collect() {
      this.set(sources.relayLagMs() / 1000);
    },
  });
  new Gauge({
    name: "bus_relay_pending",
    help: "Events the relay has not reached plus deliveries scheduled for later",
    registers: [registry],
    collect() {
      this.set(sources.relayPending());
    },
  });
  new Gauge({
    name: "event_streams_open",
    help: "Open GET /events/stream connections",
    registers: [registry],
    collect() {
      this.set(sources.openStreams());
    },
  });
  new Gauge({
    name: "sessions",
    help: "Sessions with a row in any table, until wiped",
    registers: [registry],
    collect() {
      this.set(sources.sessions());
    },
  });

  const overviewComputations = new Histogram({
    name: "teacher_overview_computation_seconds",
    help: "Computations of the teacher's overview (at most one at a time, at most one a second), wall time giving way included",
    buckets: httpDurationBuckets,
    registers: [registry],
  });
  const overviewChecks = new Counter({
    name: "teacher_overview_checked_total",
    help: "What the teacher's overview computations checked again: sessions, and their orders",
    labelNames: ["unit"] as const,
    registers: [registry],
  });

  // sagaId → when its ORDER_CREATED committed, in which style; insertion order is age order.
  const startedAt = new Map<string, { at: number; style: string }>();

  return {
    registry,

    /** A bus listener: counts committed events and the sagas they start and finish. */
    observeEvents(committed: readonly BusEvent<SagaPayload>[]): void {
      for (const event of committed) {
        const key = `${event.type} ${event.style}`;
        const tally = eventTally.get(key);
        if (tally) tally.n += 1;
        else eventTally.set(key, { type: event.type, style: event.style, n: 1 });
        if (event.type === "ORDER_CREATED") {
          sagasStarted.inc({ style: event.style });
          startedAt.set(event.sagaId, { at: event.timestamp, style: event.style });
          if (startedAt.size > SAGA_STARTS_KEPT) startedAt.delete(startedAt.keys().next().value as string);
        } else if (event.type === "INVENTORY_FAILED") {
          conflicts.inc();
        } else if (event.type === "ORDER_COMPLETED" || event.type === "ORDER_CANCELLED") {
          const outcome = event.type === "ORDER_COMPLETED" ? "completed" : "cancelled";
          const started = startedAt.get(event.sagaId);
          // Counted in the style the saga started in (a reset's compensation is choreographed whatever it was).
          const style = started?.style ?? event.style;
          sagasFinished.inc({ style, outcome, reason: event.type === "ORDER_CANCELLED" ? event.data.cancellationSource : "none" });
          // A saga is finished once: a later ORDER_CANCELLED (a reset's compensation) is not timed again.
          if (started !== undefined) sagaDuration.observe({ style, outcome }, Math.max(0, event.timestamp - started.at) / 1000);
          startedAt.delete(event.sagaId);
        }
      }
    },

    /** Orders' report of an append its stream refused (optimistic concurrency). */
    observeStreamConflict(): void {
      streamConflicts.inc();
    },

    /** The cart's report of each change it made. */
    observeCartOperation(operation: string): void {
      cartOperations.inc({ operation });
    },

    /** The cart's report of carts first found expired. */
    observeCartsAbandoned(carts: number): void {
      cartsAbandoned.inc(carts);
    },

    /** The teacher's overview's report of each computation. */
    observeOverview(cost: { sessionsChecked: number; ordersChecked: number; ms: number }): void {
      overviewComputations.observe(cost.ms / 1000);
      overviewChecks.inc({ unit: "sessions" }, cost.sessionsChecked);
      overviewChecks.inc({ unit: "orders" }, cost.ordersChecked);
    },

    /** The relay's report of each delivery attempt, after its round commits. */
    observeDelivery(reaction: string, outcome: DeliveryOutcome): void {
      const key = `${reaction} ${outcome}`;
      const tally = deliveryTally.get(key);
      if (tally) tally.n += 1;
      else deliveryTally.set(key, { reaction, outcome, n: 1 });
    },

    /** Times every request by the pattern of the route that answered it (`unmatched` for none). */
    timeRequests(): MiddlewareHandler {
      return async (c, next) => {
        const started = performance.now();
        try {
          await next();
        } finally {
          const route = matchedRoutes(c).findLast((r) => r.method !== "ALL")?.path ?? "unmatched";
          httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, (performance.now() - started) / 1000);
        }
      };
    },
  };
}
export type ServerMetrics = ReturnType<typeof serverMetrics>;
