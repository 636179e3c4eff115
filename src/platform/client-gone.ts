import { HTTPException } from "hono/http-exception";

/**
 * The status a request is recorded with when its client closed the connection before the
 * request body arrived: nginx's "client closed request". Nobody receives it (the socket is
 * gone); it exists so the request metrics count such requests apart from bad input and from
 * server errors.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Whether `thrown` is the request body's read failing because the client went away mid-upload.
 * Bun then aborts the request's signal and rejects the read with an `AbortError`; hono's own
 * form and JSON validators catch that rejection and rethrow it as a 400 HTTPException. Both
 * count only while the signal says the client is gone, so an error of the server's own that
 * happens to coincide with a disconnect is never taken for one.
 */
export function isClientGone(thrown: unknown, request: Request): boolean {
  if (!request.signal.aborted) return false;
  if (thrown instanceof DOMException) return thrown.name === "AbortError";
  return thrown instanceof HTTPException && thrown.status === 400;
}
