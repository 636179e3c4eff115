import http2 from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { type RpcServices, rpcRouterOptions, rpcRoutes } from "./rpc-services";

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The RPC services as gRPC over cleartext HTTP/2 (`GRPC_PORT`), for gRPC clients such as
 * grpc-js or grpcurl: a `node:http2` server (Bun implements it) with Connect-ES's node adapter,
 * the same services, interceptor and limits as the main port. It also answers Connect and
 * gRPC-Web over HTTP/2.
 */
export function startGrpcServer(services: RpcServices, { port, host }: { port: number; host: string }): Promise<GrpcServer> {
  const server = http2.createServer(connectNodeAdapter({ routes: rpcRoutes(services), ...rpcRouterOptions }));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        // Port 0 asks for any free port: the address says which.
        port: typeof address === "object" && address !== null ? address.port : port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
