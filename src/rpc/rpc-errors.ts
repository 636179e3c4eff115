import { Code, ConnectError } from "@connectrpc/connect";
import { AppError, type ErrorCode } from "../platform/errors";

/** The contract's error codes as RPC status codes: a Connect or gRPC client reads the code it knows. */
const rpcCodeOf: Record<ErrorCode, Code> = {
  SESSION_REQUIRED: Code.InvalidArgument,
  SESSION_INVALID: Code.InvalidArgument,
  VALIDATION_FAILED: Code.InvalidArgument,
  MALFORMED_JSON: Code.InvalidArgument,
  PAYLOAD_TOO_LARGE: Code.ResourceExhausted,
  NOT_FOUND: Code.NotFound,
  CART_EXPIRED: Code.NotFound,
  UNKNOWN_PRODUCT: Code.InvalidArgument,
  INVALID_STATE: Code.FailedPrecondition,
  VERSION_CONFLICT: Code.Aborted,
  IDEMPOTENCY_KEY_REUSED: Code.FailedPrecondition,
  RATE_LIMITED: Code.ResourceExhausted,
  QUOTA_EXCEEDED: Code.ResourceExhausted,
  INTERNAL: Code.Internal,
};

/** The header (gRPC: trailer) that names the contract's code beside the RPC code, e.g. `x-error-code: SESSION_REQUIRED`. */
export const ERROR_CODE_HEADER = "x-error-code";

/**
 * The one error path of the RPC services, as app.onError is the HTTP API's: an AppError
 * becomes the RPC status its code maps to, with the same sentence (and each failing field, for
 * a validation error); a ConnectError a method threw on purpose passes as it is; anything else
 * is logged and answers a bare `internal`, never its message.
 */
export function asConnectError(thrown: unknown, method: string): ConnectError {
  if (thrown instanceof ConnectError) return thrown;
  if (thrown instanceof AppError) {
    // A validation error's sentence already lists each failing field.
    return new ConnectError(thrown.message, rpcCodeOf[thrown.code], { [ERROR_CODE_HEADER]: thrown.code });
  }
  console.error(`${method} failed`, thrown);
  return new ConnectError("Internal server error", Code.Internal, { [ERROR_CODE_HEADER]: "INTERNAL" });
}
