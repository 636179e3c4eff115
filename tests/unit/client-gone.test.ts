import { describe, expect, test } from "bun:test";
import { HTTPException } from "hono/http-exception";
import { isClientGone } from "../../src/platform/client-gone";

/** The hang-up Bun reports while a body is read: an AbortError, with the request's signal aborted. */
const hangUp = () => new DOMException("The connection was closed.", "AbortError");

function request({ clientGone }: { clientGone: boolean }): Request {
  const controller = new AbortController();
  if (clientGone) controller.abort(hangUp());
  return new Request("http://localhost/orders", { method: "POST", signal: controller.signal });
}

describe("isClientGone: a body read that failed because the client went away", () => {
  test("the AbortError of the read, or hono's 400 for the body it could not read, while the client is gone", () => {
    expect(isClientGone(hangUp(), request({ clientGone: true }))).toBe(true);
    expect(isClientGone(new HTTPException(400, { message: "Malformed FormData request." }), request({ clientGone: true }))).toBe(true);
  });

  test("a real error is never taken for a hang-up, even when the client is gone too", () => {
    expect(isClientGone(new TypeError("undefined is not an object"), request({ clientGone: true }))).toBe(false);
    expect(isClientGone(new DOMException("quota", "QuotaExceededError"), request({ clientGone: true }))).toBe(false);
    expect(isClientGone(new HTTPException(500), request({ clientGone: true }))).toBe(false);
  });

  test("an AbortError while the client is still there is not a hang-up", () => {
    expect(isClientGone(hangUp(), request({ clientGone: false }))).toBe(false);
  });
});
