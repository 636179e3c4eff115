import { createMiddleware } from "hono/factory";

/**
 * Only our own origin, for everything: scripts and styles come from /assets, htmx and the
 * event stream fetch from here. No 'unsafe-inline' and no 'unsafe-eval', so even markup that
 * slipped past escaping could neither run a script nor make htmx evaluate code.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Set on every HTML answer of the dashboard and the teacher's overview (each page and fragment). */
export const htmlSecurityHeaders = () =>
  createMiddleware(async (c, next) => {
    await next();
    c.header("content-security-policy", contentSecurityPolicy);
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
    // Fragments depend on the session header; a cache must never hand one session's to another.
    c.header("cache-control", "no-store");
    c.header("vary", "x-session-id");
  });
