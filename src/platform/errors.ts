import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The contract's error codes; every error the API answers carries one of these. */
export const errorCodes = [
  "SESSION_REQUIRED",
  "SESSION_INVALID",
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "PAYLOAD_TOO_LARGE",
  "NOT_FOUND",
  "CART_EXPIRED",
  "UNKNOWN_PRODUCT",
  "INVALID_STATE",
  "VERSION_CONFLICT",
  "IDEMPOTENCY_KEY_REUSED",
  "RATE_LIMITED",
  "QUOTA_EXCEEDED",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Which status each error code is answered with (the contract's table): the errors and the OpenAPI document both read it. */
export const statusOfCode: Record<ErrorCode, ContentfulStatusCode> = {
  SESSION_REQUIRED: 400,
  SESSION_INVALID: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  // A cart past its cartTtlMs: gone for its owner, as a missing one is, but said so.
  CART_EXPIRED: 404,
  // A cart line for a product the session's catalog does not have (an order's is the saga's business instead).
  UNKNOWN_PRODUCT: 422,
  INVALID_STATE: 409,
  // An If-Match that names a version the order has moved on from (HTTP's failed precondition).
  VERSION_CONFLICT: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
};

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: string;
  code: ErrorCode;
  details?: ErrorDetail[];
  /** The same sentence as `error`, where a SWAP client reads it from `message`. */
  message?: string;
}

/**
 * Domain code throws AppError subclasses; the root onError turns them into the contract's
 * envelope, so no handler builds an error response by hand.
 */
export abstract class AppError extends Error {
  /** The code's status, from the contract's table. */
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.status = statusOfCode[code];
    this.name = new.target.name;
  }

  /** Headers the answer carries besides the envelope (a 429's `Retry-After`). */
  headers(): Record<string, string> {
    return {};
  }

  toBody(): ErrorBody {
    return this.details ? { error: this.message, code: this.code, details: this.details } : { error: this.message, code: this.code };
  }
}

export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message?: string) {
    const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ");
    super("VALIDATION_FAILED", message ?? `Request is invalid: ${summary}`, details);
  }
}

export class MalformedJsonError extends AppError {
  constructor(message = "Request body is not valid JSON") {
    super("MALFORMED_JSON", message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", `Request body is larger than ${limitBytes} bytes`);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
  }
}

export class CartExpiredError extends AppError {
  constructor(cartId: string) {
    super("CART_EXPIRED", `Cart ${cartId} expired: it was not changed for the session's cartTtlMs`);
  }
}

export class UnknownProductError extends AppError {
  constructor(product: string) {
    super("UNKNOWN_PRODUCT", `Product ${product} is not in the session's catalog (GET /inventory lists it)`);
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different body");
  }
}

export class QuotaExceededError extends AppError {
  constructor(message: string) {
    super("QUOTA_EXCEEDED", message);
  }
}

export class InvalidStateError extends AppError {
  constructor(message: string) {
    super("INVALID_STATE", message);
  }
}

export class SessionRequiredError extends AppError {
  constructor(header: string) {
    super("SESSION_REQUIRED", `Missing ${header} header`);
  }

  /** SWAP's order service answered a missing session with the sentence in `message`; its clients read it there. */
  override toBody(): ErrorBody {
    return { ...super.toBody(), message: this.message };
  }
}

export class SessionInvalidError extends AppError {
  constructor(source: string, rule: string) {
    super("SESSION_INVALID", `Invalid ${source} (x-session-id): ${rule}`);
  }
}

export class RateLimitedError extends AppError {
  /** `retryAfterMs`: when the client may try again, sent as `Retry-After` in whole seconds (rounded up). */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super("RATE_LIMITED", message);
  }

  override headers(): Record<string, string> {
    return this.retryAfterMs === undefined ? {} : { "retry-after": String(Math.max(1, Math.ceil(this.retryAfterMs / 1000))) };
  }
}

/** No route answers this method and path (the contract's JSON 404, never hono's text one). */
export class RouteNotFoundError extends AppError {
  constructor(method: string, path: string) {
    super("NOT_FOUND", `No route for ${method} ${path}`);
  }
}

export const internalErrorBody: ErrorBody = { error: "Internal server error", code: "INTERNAL" };
