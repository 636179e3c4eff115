import { createMiddleware } from "hono/factory";
import { SessionInvalidError, SessionRequiredError } from "./errors";

export const SESSION_HEADER = "x-session-id";
const sessionIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
const sessionIdRule = "use 1 to 64 characters of A-Z a-z 0-9 . _ : -";

/**
 * One order across sessions, as a Map or Set key (an order id is unique only within its
 * session). A session id never holds a newline, so no two orders share a key.
 */
export const orderKey = (sessionId: string, orderId: string) => `${sessionId}\n${orderId}`;

export type SessionEnv = { Variables: { sessionId: string } };

export function isValidSessionId(value: string): boolean {
  return sessionIdPattern.test(value);
}

/** Checks a session id against the contract's form; throws the contract's 400s. */
export function parseSessionId(value: string | undefined | null, source = `${SESSION_HEADER} header`): string {
  if (value === undefined || value === null || value === "") throw new SessionRequiredError(SESSION_HEADER);
  if (!isValidSessionId(value)) throw new SessionInvalidError(source, sessionIdRule);
  return value;
}

/**
 * Every tenant-scoped route runs behind this: it sets `c.var.sessionId`, and a session exists as
 * soon as it is first used. `allowQuery` also accepts `?session=` for clients that cannot set
 * headers (EventSource, a shared dashboard URL).
 */
export const requireSession = (options: { allowQuery?: boolean } = {}) =>
  createMiddleware<SessionEnv>(async (c, next) => {
    const header = c.req.header(SESSION_HEADER);
    const fromQuery = options.allowQuery && header === undefined ? c.req.query("session") : undefined;
    c.set(
      "sessionId",
      parseSessionId(header ?? fromQuery, header === undefined && fromQuery !== undefined ? "session query parameter" : undefined),
    );
    await next();
  });

/**
 * For a page that has something to show without a session (the dashboard asks for one):
 * `c.var.session` is the valid id from `?session=`, or what was wrong with it.
 */
export type OptionalSessionEnv = {
  Variables: { session: { ok: true; sessionId: string } | { ok: false; given: string | undefined } };
};

export const optionalQuerySession = () =>
  createMiddleware<OptionalSessionEnv>(async (c, next) => {
    const given = c.req.query("session");
    c.set("session", given !== undefined && isValidSessionId(given) ? { ok: true, sessionId: given } : { ok: false, given });
    await next();
  });
