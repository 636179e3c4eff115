import { apiDocsRoutes } from "./api-docs/api-docs.routes";
import { createApp, mount } from "./app";
import { Bus } from "./bus/bus";
import { DeliveryLog, type DeliveryLogLimits } from "./bus/delivery-log";
import { eventToJson } from "./bus/event";
import { duplicateDeliveries, type FaultInjection, injectFaults } from "./bus/faults";
import { Relay, type RelayOptions } from "./bus/relay";
import { EventWaiters } from "./bus/waiters";
import { consistencyRoutes } from "./consistency/consistency.routes";
import { type AuditSources, checkInvariants, checkInvariantsInTurns, type InvariantOptions } from "./consistency/invariants";
import { dashboard } from "./dashboard";
import { busRoutes, deadLetterToJson, deliveryToJson } from "./live/bus.routes";
import { deliveriesRoutes } from "./live/deliveries.routes";
import { defaultStreamLimits, type StreamLimits, StreamRegistry } from "./live/event-stream";
import { eventsRoutes, redeliverSessionEvent } from "./live/events.routes";
import { SessionChangeFeed } from "./live/session-changes";
import { serverMetrics } from "./metrics/metrics";
import { metricsRoutes } from "./metrics/metrics.routes";
import { isOn } from "./modules/bugs";
import { cartModule } from "./modules/cart";
import { parseSagaPayload, recipientOfSaga, type SagaPayload } from "./modules/events";
import { inventoryModule } from "./modules/inventory";
import type { ModuleDeps } from "./modules/module-deps";
import { notificationsModule } from "./modules/notifications";
import { orchestratorModule } from "./modules/orchestrator";
import { ordersModule } from "./modules/orders";
import { paymentsModule } from "./modules/payments";
import { DEFAULT_CART_TTL_MS, DEFAULT_SHIPPING_DELAY_MS } from "./modules/session-settings";
import { shippingModule } from "./modules/shipping";
import { type Clock, systemClock } from "./platform/clock";
import { defaultSagaConfig, type SagaConfig } from "./platform/config";
import { type Database, openDatabase, type SynchronousLevel } from "./platform/db";
import { type Ids, systemIds } from "./platform/ids";
import { type Random, systemRandom } from "./platform/random";
import { systemTimer, type Timer } from "./platform/timer";
import { rpcHttpRoutes } from "./rpc/rpc.routes";
import { inProcessRpcPort } from "./rpc/rpc-clients";
import type { RpcServices } from "./rpc/rpc-services";
import { sagaAdmin } from "./sagas/sagas";
import { sagasRoutes } from "./sagas/sagas.routes";
import { scenariosFeature } from "./scenarios";
import { purgeIdleSessions } from "./sessions/activity";
import { SessionCensus, sessionsWithRows } from "./sessions/census";
import { resetLeftovers } from "./sessions/reset-leftovers";
import { sessionRoutes } from "./sessions/session.routes";
import { sessionExportRoutes } from "./sessions/session-export.routes";
import { SessionNames } from "./sessions/session-names";
import { type SessionHolder, sessionWipe, WipesUnderWay } from "./sessions/session-wipe";
import { settingsRoutes } from "./settings/settings.routes";
import { settingsService } from "./settings/settings.service";
import { SettingsStore } from "./settings/settings.store";
import { OverviewCache } from "./teacher/overview-cache";
import { teacherRoutes } from "./teacher/teacher.routes";
import { assetRoutes } from "./web/assets";

export interface SagaServerOptions {
  databasePath?: string;
  db?: Database;
  synchronous?: SynchronousLevel;
  clock?: Clock;
  /** What waits for later (the relay between rounds, the teacher's overview refresh); tests pass a ManualTimer and fire it by hand. */
  timer?: Timer;
  ids?: Ids;
  random?: Random;
  config?: Partial<SagaConfig>;
  relay?: RelayOptions;
  /** The teacher's overview token (`TEACHER_TOKEN`); null or absent: there is no overview. */
  teacherToken?: string | null;
  /** Caps on open `GET /events/stream` connections (defaults: 8 per session, 64 per client address, 1,536 in total). */
  streams?: Partial<StreamLimits>;
  /** What the delivery log (`GET /orders/:id/deliveries`) may hold in memory (defaults: 32 MiB, 2 MiB per session, 200 attempts per order). */
  deliveryLog?: Partial<DeliveryLogLimits>;
}

/**
 * The composition root: the one place that knows every part. It opens the database, builds
 * the dependencies and the modules (each prepares its statements here, once), subscribes
 * every module's reactions to the bus, builds the relay (not yet started) and then the app.
 * Tests build a whole server this way on `:memory:`, with their own clock, ids and randomness.
 */
export function createSagaServer(options: SagaServerOptions = {}) {
  const db = options.db ?? openDatabase({ path: options.databasePath ?? ":memory:", synchronous: options.synchronous });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? systemIds;
  const bus = new Bus<SagaPayload>({ db, clock, ids, parsePayload: parseSagaPayload, recipientOf: recipientOfSaga });
  const changes = new SessionChangeFeed();
  const config = { ...defaultSagaConfig, ...options.config };
  const settings = new SettingsStore(db, clock, {
    inventoryDelayMs: config.inventoryDelayMs,
    paymentDelayMs: config.paymentDelayMs,
    shippingDelayMs: DEFAULT_SHIPPING_DELAY_MS,
    inventoryFailureRate: 0,
    paymentFailureRate: 0,
    duplicateDeliveryRate: 0,
    reactionFaultRate: 0,
    stepMode: false,
    // Off: Step runs at once; a teacher turns the room's guess on per session.
    predictNext: false,
    // Off: SWAP's flow (reserve, pay, confirm) unchanged.
    shipmentStep: false,
    shippingFailureRate: 0,
    reservationTtlMs: null,
    // SWAP cancels an order that is not final after 5 minutes.
    orderTimeoutMs: 300_000,
    cartTtlMs: DEFAULT_CART_TTL_MS,
    sagaStyle: "choreography",
    // No defect put back: every module runs its correct code.
    bugs: [],
    crashBetweenWritesRate: 0,
  });
  const deps: ModuleDeps = {
    db,
    bus,
    waiters: new EventWaiters(bus),
    clock,
    ids,
    random: options.random ?? systemRandom,
    config,
    changes,
    settings,
  };

  // An orders reset leaves the other modules' rows of the orders it removed; each drops its own.
  const orders = ordersModule(deps, {
    afterReset: async (sessionId) => {
      await dropResetLeftovers(sessionId);
      // A cart is an order not yet placed: it goes with the orders.
      cart.commands.resetCarts(sessionId);
    },
    // The other services' clients exist once they are built, just below.
    rpc: () => rpcPort,
    // The metrics are built below; no order is written before the app exists.
    onStreamConflict: () => metrics.observeStreamConflict(),
  });
  const inventory = inventoryModule(deps);
  const payments = paymentsModule(deps);
  const notifications = notificationsModule(deps);
  const shipping = shippingModule(deps);
  const orchestrator = orchestratorModule(deps);
  const modules = [orders, inventory, payments, notifications, shipping, orchestrator] as const;
  // Not one of the saga's modules (no reactions; the health check names the saga's): it reads the catalog and places orders through ports.
  const cart = cartModule(deps, {
    catalog: { prices: (sessionId) => new Map(inventory.queries.listProducts(sessionId).map((p) => [p.id, p.price_cents])) },
    orders: orders.commands,
    // The metrics are built below; no cart is written before the app exists.
    observe: {
      operation: (operation) => metrics.observeCartOperation(operation),
      abandoned: (carts) => metrics.observeCartsAbandoned(carts),
    },
  });
  const dropResetLeftovers = resetLeftovers(
    db,
    {
      existingOrderIds: orders.queries.existingOrderIds,
      // A dead letter counts: retried by hand, it still moves the rows it would find.
      ordersWithWork: (sessionId, orderIds) => bus.queries.ordersWithPendingWork(sessionId, orderIds),
      holders: [inventory.commands, payments.commands, notifications.commands, shipping.commands, orchestrator.commands],
    },
    changes,
  );
  // The faults and duplicates a teacher asks for wrap every reaction, so the relay runs them like any other.
  const faults: FaultInjection = {
    random: deps.random,
    faultRate: (sessionId) => settings.of(sessionId).reactionFaultRate,
    duplicateRate: (sessionId) => settings.of(sessionId).duplicateDeliveryRate,
  };
  for (const module of modules) {
    for (const reaction of module.reactions) bus.subscribe(reaction, duplicateDeliveries(faults), injectFaults(faults));
  }

  const deliveryLog = new DeliveryLog(options.deliveryLog);
  // Read before the relay's first round: a wipe a crash cut short stops the session's sagas at once.
  const wipes = new WipesUnderWay(db, clock);
  const relay = new Relay(bus, clock, options.timer ?? systemTimer, {
    deliveryLog,
    isHeld: (sessionId) => settings.of(sessionId).stepMode,
    isBeingWiped: (sessionId) => wipes.has(sessionId),
    onDeliveriesChanged: (sessionId) => changes.announce(sessionId, "DELIVERIES_CHANGED"),
    // The metrics are built just below; the relay reports nothing before it is started.
    onAttempt: (reaction, outcome) => metrics.observeDelivery(reaction, outcome),
    appliesDuplicates: (sessionId) => isOn(settings.of(sessionId).bugs, "nonIdempotentConsumers"),
    ...options.relay,
  });
  const streams = new StreamRegistry({ ...defaultStreamLimits, ...options.streams });
  const metrics = serverMetrics({
    relayLagMs: () => relay.lagMs(),
    relayPending: () => relay.pendingCount(),
    openStreams: () => streams.openTotal,
    sessions: () => census.size,
  });
  bus.listen((committed) => metrics.observeEvents(committed));
  const { steering } = relay;
  const knobs = settingsService(settings, steering, changes);
  const sagas = sagaAdmin({ orders, bus, steering, settings, clock, orchestrator });
  // Every holder of a session's rows or memory: the bus first (its schedule and log), the modules, the knobs, the delivery log.
  const sessionNames = new SessionNames(db, clock, changes);
  const sessionHolders: readonly SessionHolder[] = [
    bus,
    ...modules.map((module) => module.commands),
    cart.commands,
    settings,
    sessionNames,
    deliveryLog,
  ];
  // The one scan of every session table, at start-up; from then on the census is told of each change.
  const census = new SessionCensus(
    sessionsWithRows(
      db,
      sessionHolders.flatMap((holder) => holder.sessionTables ?? []),
    ),
  );
  bus.listen((committed) => census.sawEvents(committed));
  changes.listen((sessionId, change) => census.sawChange(sessionId, change));
  const { wipeSession, resume: resumeWipes } = sessionWipe(db, sessionHolders, changes, wipes, (sessionId) => census.wiped(sessionId));
  const audit: AuditSources = {
    orders: orders.queries,
    inventory: inventory.queries,
    payments: payments.queries,
    shipping: shipping.queries,
    bus,
  };
  const teacherOverview = new OverviewCache(
    {
      orders: orders.queries,
      inventory: inventory.queries,
      sagas,
      settings,
      names: sessionNames,
      checkConsistency: (sessionId) => checkInvariantsInTurns(audit, { sessionId }),
    },
    clock,
    { bus, changes },
  );
  teacherOverview.listen((cost) => metrics.observeOverview(cost));
  // seed 002's inventory service and the payment service, as remote services (proto/).
  const scenarios = scenariosFeature({
    wipeSession,
    seedCatalog: inventory.commands.seedCatalog,
    settingsOf: (sessionId) => settings.of(sessionId),
    changeSettings: knobs.change,
    placeOrder: orders.commands.placeOrder,
    runDue: () => relay.runDue(),
    orderStatus: (sessionId, orderId) => orders.queries.findOrder(sessionId, orderId)?.status ?? null,
    bus,
    steering,
    checkConsistency: (sessionId) => checkInvariantsInTurns(audit, { sessionId }),
  });
  const rpcServices: RpcServices = { inventory: inventory.rpc, payments: payments.rpc };
  const rpcPort = inProcessRpcPort(rpcServices, options.timer ?? systemTimer);
  const app = createApp({
    modules: modules.map((module) => module.name),
    timeRequests: metrics.timeRequests(),
    mounts: [
      mount("/metrics", metricsRoutes(metrics)),
      // The reference documents the app it is part of; it is read when first asked for.
      mount(
        "/",
        apiDocsRoutes(() => app),
      ),
      mount("/orders", orders.routes),
      mount("/orders", deliveriesRoutes(orders.queries, deliveryLog)),
      mount("/cart", cart.routes),
      mount("/inventory", inventory.routes),
      mount("/payments", payments.routes),
      mount("/shipments", shipping.routes),
      mount("/notifications", notifications.routes),
      mount("/events", eventsRoutes(bus, steering, changes, streams)),
      mount("/consistency", consistencyRoutes(audit)),
      mount("/settings", settingsRoutes(knobs)),
      mount("/bus", busRoutes(steering)),
      mount("/sagas", sagasRoutes(sagas)),
      mount(
        "/session/export",
        sessionExportRoutes({
          name: (sessionId) => sessionNames.of(sessionId),
          settings: (sessionId) => settings.of(sessionId),
          products: inventory.queries.listProducts,
          paged: {
            orders: (sessionId, limit, after) => {
              const page = orders.queries.listOrdersPage(sessionId, limit, after as readonly [number, string] | undefined);
              return { rows: page.orders, next: page.next };
            },
            events: (sessionId, limit, after) => {
              const rows = bus.log.sessionEvents(sessionId, (after as number | undefined) ?? 0, limit).map(eventToJson);
              return { rows, next: rows.length === limit ? rows.at(-1)?.seq : undefined };
            },
            payments: (sessionId, limit, after) => {
              const page = payments.queries.listPaymentsPage(sessionId, limit, after as readonly [number, string] | undefined);
              return { rows: page.payments, next: page.next };
            },
            shipments: (sessionId, limit, after) => {
              const page = shipping.queries.listShipmentsPage(sessionId, limit, after as readonly [number, string] | undefined);
              return { rows: page.shipments, next: page.next };
            },
          },
          listed: {
            deliveries: (sessionId, limit) => steering.scheduled(sessionId, limit).map(deliveryToJson),
            deadLetters: (sessionId, limit) => steering.deadLetters(sessionId, limit).map(deadLetterToJson),
            reservations: inventory.queries.listReservations,
            notifications: notifications.queries.listNotifications,
            sagas: (sessionId, limit) => sagas.listSagas(sessionId, { limit }),
          },
          now: () => clock.now(),
        }),
      ),
      mount("/session", sessionRoutes(wipeSession, sessionNames)),
      mount("/scenarios", scenarios.routes),
      // Connect and gRPC-Web: POST /inventory.v1.InventoryService/<Method>, /payments.v1.PaymentService/<Method>.
      mount("/", rpcHttpRoutes(rpcServices)),
      mount(
        "/teacher",
        teacherRoutes(options.teacherToken ?? null, {
          overview: teacherOverview,
          bus,
          changes,
          clock,
          timer: options.timer ?? systemTimer,
          broadcast: { changeSettings: knobs.change, runScenario: scenarios.runNamed, scenarioNames: scenarios.names },
        }),
      ),
      // The pages' static files (htmx from node_modules, public/), shared by the dashboard, the teacher's overview and /docs.
      mount("/assets", assetRoutes()),
      // The dashboard page and its fragments.
      mount(
        "/",
        dashboard({
          orders,
          cart: cart.commands,
          inventory,
          payments,
          shipping,
          bus,
          ids,
          checkConsistency: (sessionId) => checkInvariantsInTurns(audit, { sessionId }),
          deliveriesOf: (sessionId, orderId) => deliveryLog.forOrder(sessionId, orderId),
          steering,
          settings: knobs,
          now: () => clock.now(),
          sagas,
          notifications: notifications.queries,
          redeliver: (sessionId, seq) => redeliverSessionEvent(bus, steering, sessionId, seq) !== null,
          breakIt: scenarios.code,
          wipeSession,
        }),
      ),
    ],
  });

  return {
    deps,
    app,
    relay,
    /** The port people steer the bus by: step mode, stepping, retries, duplicates. */
    steering,
    /** The session's settings, changed as `PATCH /settings` changes them (its switches of "Break it", step mode holding or releasing). */
    knobs,
    streams,
    modules: { orders, inventory, payments, notifications, shipping, orchestrator },
    /** The RPC services, for the gRPC server on GRPC_PORT (serve.ts). */
    rpcServices,
    /** The teacher's overview, whose `work` counts what its computations cost. */
    teacherOverview,
    /** Every row of one session, gone (`DELETE /session`, and the idle purge). */
    wipeSession,
    /** Start-up: finishes the wipes a crash cut short (the relay already runs nothing of those sessions); answers which. */
    resumeWipes,
    /** Wipes the sessions quiet for longer than `idleMs` (`SESSION_IDLE_TTL`); answers which. */
    purgeIdleSessions: (idleMs: number) => purgeIdleSessions({ holders: sessionHolders, wipe: wipeSession }, clock.now(), idleMs),
    /** The invariant checker over this server's database (tests pass the options only they can know). */
    checkConsistency: (invariantOptions: InvariantOptions = {}) => checkInvariants(audit, invariantOptions),
  };
}
export type SagaServer = ReturnType<typeof createSagaServer>;
