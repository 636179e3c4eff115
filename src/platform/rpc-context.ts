import { createContextKey } from "@connectrpc/connect";

/**
 * What a remote call carries besides its message, as Connect context values: the session (the
 * `x-session-id` header or gRPC metadata, checked by the same rule as every HTTP route), and
 * the saga it is part of when the caller names one (`x-saga-id`, as a tracing header would), so
 * what a call writes on the bus lands in its saga's log.
 */
export const rpcSessionKey = createContextKey<string>("", { description: "the caller's session" });
export const rpcSagaKey = createContextKey<string | null>(null, { description: "the saga the call is part of" });
export const SAGA_HEADER = "x-saga-id";

/** The caller's session, set by the session interceptor before any method runs. */
export function sessionOfCall(values: { get<T>(key: { id: symbol; defaultValue: T }): T }): string {
  const sessionId = values.get(rpcSessionKey);
  if (sessionId === "") throw new Error("An RPC method ran without the session interceptor");
  return sessionId;
}
