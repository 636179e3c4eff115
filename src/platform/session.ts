import { createMiddleware } from "hono/factory";
import { AppError } from "./errors";

export const SESSION_HEADER = "x-session-id";
const sessionIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

export type SessionEnv = { Variables: { sessionId: string } };

export function isValidSessionId(value: string): boolean {
  return sessionIdPattern.test(value);
}

/** Checks a session id against the contract's form; throws the contract's 400s. */
export function parseSessionId(value: string | undefined | null, source = `${SESSION_HEADER} header`): string {
  if (value === undefined || value === null || value === "") {
    throw new AppError(400, "SESSION_REQUIRED", `Missing ${SESSION_HEADER} header`);
  }
  if (!isValidSessionId(value)) {
    throw new AppError(400, "SESSION_INVALID", `Invalid ${source} (x-session-id): use 1 to 64 characters of A-Z a-z 0-9 . _ : -`);
  }
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
