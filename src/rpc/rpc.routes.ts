import { createConnectRouter } from "@connectrpc/connect";
import { createFetchHandler } from "@connectrpc/connect/protocol";
import { Hono } from "hono";
import { type RpcServices, rpcRouterOptions, rpcRoutes } from "./rpc-services";

/**
 * The RPC services on the main port: Connect (JSON and binary) and gRPC-Web, at
 * `POST /<package>.<Service>/<Method>`, through hono like every other route (its body limit,
 * its CORS and its request metrics apply). Connect-ES's universal handlers take fetch's
 * Request and answer fetch's Response, which is what hono hands over. gRPC itself needs
 * HTTP/2 trailers, which Bun.serve does not send: it is served on GRPC_PORT (grpc-server.ts).
 */
export function rpcHttpRoutes(services: RpcServices) {
  const router = createConnectRouter(rpcRouterOptions);
  rpcRoutes(services)(router);
  const app = new Hono();
  for (const handler of router.handlers) {
    const handle = createFetchHandler(handler);
    app.on(handler.allowedMethods, handler.requestPath, (c) => handle(c.req.raw));
  }
  return app;
}
