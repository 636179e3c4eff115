import type { ConnectRouter, ConnectRouterOptions, Interceptor, ServiceImpl } from "@connectrpc/connect";
import { InventoryService } from "../gen/inventory/v1/inventory_pb";
import { PaymentService } from "../gen/payments/v1/payments_pb";
import { rpcSagaKey, rpcSessionKey, SAGA_HEADER } from "../platform/rpc-context";
import { isValidSessionId, parseSessionId, SESSION_HEADER } from "../platform/session";
import { asConnectError } from "./rpc-errors";

/**
 * The most one RPC message may take, in bytes: the HTTP API's body limit (64 KiB), so a call
 * is bounded as a request is. The main port's body limit sees a Connect or gRPC-Web call first;
 * this bounds gRPC on GRPC_PORT, and every answer.
 */
export const MAX_RPC_MESSAGE_BYTES = 64 * 1024;

/** The services the server answers calls for, built by their modules. */
export interface RpcServices {
  inventory: ServiceImpl<typeof InventoryService>;
  payments: ServiceImpl<typeof PaymentService>;
}

/**
 * Every call names its session as every HTTP request does (`x-session-id`, as a header or gRPC
 * metadata), checked by the same rule; the errors of any method come out through one path.
 */
const sessionInterceptor: Interceptor = (next) => async (request) => {
  try {
    request.contextValues.set(rpcSessionKey, parseSessionId(request.header.get(SESSION_HEADER)));
    const sagaId = request.header.get(SAGA_HEADER);
    if (sagaId !== null && isValidSessionId(sagaId)) request.contextValues.set(rpcSagaKey, sagaId);
    return await next(request);
  } catch (error) {
    throw asConnectError(error, request.method.name);
  }
};

/** What both transports serve with: the same interceptor and message limit, every protocol on. */
export const rpcRouterOptions: ConnectRouterOptions = {
  interceptors: [sessionInterceptor],
  readMaxBytes: MAX_RPC_MESSAGE_BYTES,
  writeMaxBytes: MAX_RPC_MESSAGE_BYTES,
  // JSON answers read like the .proto (and seed 002): `all_available`, `is_available: false`, `available_quantity: 0`.
  jsonOptions: { useProtoFieldName: true, alwaysEmitImplicit: true },
};

/** Registers the services on a router: the main port's, the gRPC port's and the in-process one the rpc saga style calls through. */
export const rpcRoutes = (services: RpcServices) => (router: ConnectRouter) => {
  router.service(InventoryService, services.inventory);
  router.service(PaymentService, services.payments);
};
