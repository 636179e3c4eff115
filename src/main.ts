import { createSagaServer } from "./compose";
import { readServerConfig } from "./platform/config";

const config = readServerConfig(process.env);
const { app, relay, deps } = createSagaServer({
  databasePath: config.databasePath,
  synchronous: config.synchronous,
  config: { inventoryDelayMs: config.inventoryDelayMs, paymentDelayMs: config.paymentDelayMs },
});

// Delivers at once whatever a previous run committed but did not deliver, then keeps going.
relay.start();

const server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch, idleTimeout: 60 });
console.log(`saga workshop server listening on http://${server.hostname}:${server.port} (database: ${config.databasePath})`);

function shutdown() {
  relay.stop();
  void server.stop();
  deps.db.$client.close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
