import { createSagaServer } from "./compose";
import type { ServerConfig } from "./platform/config";
import { type Database, openDatabase } from "./platform/db";
import { lockDatabase } from "./platform/db-lock";
import { routeByPath } from "./platform/request-target";
import { startGrpcServer } from "./rpc/grpc-server";

/**
 * Runs the server as a process: composes it on the configured database (or the one given, so
 * the benchmark can attach its counters first), delivers whatever a previous run committed
 * but did not deliver, serves HTTP, and shuts down cleanly on SIGINT / SIGTERM.
 */
export function serve(config: ServerConfig, given?: Database) {
  // The lock comes first: a second process must not even migrate a database another one serves.
  const unlock = given ? () => {} : lockDatabase(config.databasePath);
  let db: Database;
  try {
    db = given ?? openDatabase({ path: config.databasePath, synchronous: config.synchronous });
  } catch (error) {
    unlock();
    throw error;
  }
  const { app, relay, purgeIdleSessions, resumeWipes, rpcServices } = createSagaServer({
    db,
    config: {
      inventoryDelayMs: config.inventoryDelayMs,
      paymentDelayMs: config.paymentDelayMs,
      maxOrdersPerSession: config.maxOrdersPerSession,
      maxOrderLinesPerSession: config.maxOrderLinesPerSession,
      maxCartsPerSession: config.maxCartsPerSession,
    },
    teacherToken: config.teacherToken,
    streams: { perClient: config.streamsPerAddress },
  });
  relay.start();
  // A wipe a crash cut short is finished first; until then the relay runs nothing of its session.
  const resumed = resumeWipes().then(
    (sessions) => {
      if (sessions.length > 0) console.log(`finished ${sessions.length} session wipe(s) a previous run left half-done`);
    },
    (error) => console.error("finishing an interrupted session wipe failed", error),
  );
  // Sessions quiet for SESSION_IDLE_TTL are wiped: at start-up, then every hour.
  const purge = async () => {
    try {
      const purged = await purgeIdleSessions(config.sessionIdleTtlMs);
      if (purged.length > 0) console.log(`purged ${purged.length} idle session(s)`);
    } catch (error) {
      console.error("idle session purge failed", error);
    }
  };
  void resumed.then(purge);
  const purgeTimer = setInterval(purge, 3_600_000);
  purgeTimer.unref();

  const server = Bun.serve({ port: config.port, hostname: config.host, fetch: routeByPath(app.fetch), idleTimeout: 60 });
  console.log(`saga workshop server listening on http://${server.hostname}:${server.port} (database: ${config.databasePath})`);
  // gRPC needs HTTP/2 with trailers, which Bun.serve does not speak: its own port.
  const grpc =
    config.grpcPort === 0
      ? null
      : startGrpcServer(rpcServices, { port: config.grpcPort, host: config.host }).then(
          (started) => {
            console.log(`gRPC (inventory.v1.InventoryService, payments.v1.PaymentService) listening on ${config.host}:${started.port}`);
            return started;
          },
          (error) => {
            console.error(`the gRPC port ${config.grpcPort} could not be opened (GRPC_PORT=0 turns it off)`, error);
            process.exit(1);
          },
        );

  const shutdown = () => {
    clearInterval(purgeTimer);
    relay.stop();
    void server.stop();
    void grpc?.then((started) => started.close());
    db.$client.close();
    unlock();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  return server;
}
