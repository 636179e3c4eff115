import { createClient, createRouterTransport } from "@connectrpc/connect";
import { InventoryService } from "../gen/inventory/v1/inventory_pb";
import { PaymentService } from "../gen/payments/v1/payments_pb";
import type { RpcSagaPort } from "../modules/orders/rpc-saga";
import type { Timer } from "../platform/timer";
import { type RpcServices, rpcRouterOptions, rpcRoutes } from "./rpc-services";

/**
 * The clients the order service calls inventory and payments with in an rpc-style saga: real
 * Connect clients over Connect-ES's in-memory router transport, so each call goes through the
 * same router, session interceptor and limits as a remote one, and every request and answer is
 * serialized and parsed as on the wire. Not loopback HTTP: the call would then depend on the
 * server's own port being open and known when the server is composed (tests on `:memory:`
 * with `app.request()` have none), and would add a socket per call for nothing a listener
 * could show. The demo delays wait on the injected timer, so tests fire them by hand.
 */
export function inProcessRpcPort(services: RpcServices, timer: Timer): RpcSagaPort {
  // The binary format, as gRPC clients send it (and a third cheaper per call than JSON here).
  const transport = createRouterTransport(rpcRoutes(services), { router: rpcRouterOptions, transport: { useBinaryFormat: true } });
  return {
    inventory: createClient(InventoryService, transport),
    payments: createClient(PaymentService, transport),
    sleep: (ms) => new Promise((resolve) => timer.after(ms, () => resolve())),
  };
}
