import { type Env, Hono, type MiddlewareHandler, type Schema } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { CLIENT_CLOSED_REQUEST, isClientGone } from "./platform/client-gone";
import { AppError, internalErrorBody, MalformedJsonError, PayloadTooLargeError, RouteNotFoundError } from "./platform/errors";
import { docs } from "./platform/openapi";
import { ErrorFragment } from "./web/error-fragment";

export const MAX_BODY_BYTES = 64 * 1024;

/** What the app serves: every HTTP route of the modules, the live views, the checker and the dashboard, built by the composition root. */
export interface AppRoutes {
  /** Mounted in this order at their path, e.g. `/orders`; the dashboard is mounted at `/`. Built with `mount`. */
  mounts: readonly Mount[];
  /** The modules the health check names. */
  modules: readonly string[];
  /** Runs around every request first (the metrics time it by route). */
  timeRequests?: MiddlewareHandler;
}

/** One resource's routes at their path, as `createApp` mounts them. */
export interface Mount {
  on(app: Hono): void;
}

/**
 * Each resource's Hono is typed by its own environment (a session's routes see `c.var.sessionId`)
 * and schema; the root app only needs to route to it, which `app.route` does for any of them.
 */
export function mount<E extends Env, S extends Schema, Base extends string>(path: string, routes: Hono<E, S, Base>): Mount {
  return { on: (app) => void app.route(path, routes) };
}

/**
 * The HTTP application: middleware, the routes the composition root built, and the one error
 * handler. It wires nothing: building it has no side effects on the bus.
 */
export function createApp({ mounts, modules, timeRequests }: AppRoutes) {
  const app = new Hono();
  if (timeRequests) app.use(timeRequests);

  // SWAP's React front end calls from another origin and sends the session as a header.
  app.use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      // Empty: the headers a preflight asks for are reflected (as SWAP does), so a client that
      // sends Authorization or its own headers is not blocked. No credentials are ever allowed.
      allowHeaders: [],
      exposeHeaders: ["Idempotent-Replayed", "Link"],
      maxAge: 600,
    }),
  );
  // Counts bytes as they stream in, so a chunked body cannot slip past the limit.
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_BODY_BYTES);
      },
    }),
  );

  app.get(
    "/health",
    docs({
      tag: "operations",
      summary: "Health",
      answer: {
        description: "The server is up",
        schema: z.object({ status: z.literal("ok"), service: z.string(), modules: z.array(z.string()) }).meta({
          id: "Health",
          example: {
            status: "ok",
            service: "saga-workshop-server",
            modules: ["orders", "inventory", "payments", "notifications", "shipping", "orchestrator"],
          },
        }),
      },
      session: false,
    }),
    (c) => c.json({ status: "ok", service: "saga-workshop-server", modules }),
  );
  for (const resource of mounts) resource.on(app);

  app.notFound((c) => {
    throw new RouteNotFoundError(c.req.method, c.req.path);
  });

  /**
   * The one error path: the contract's JSON envelope for an API client, or, for a request htmx
   * made (it sends `HX-Request`), an alert fragment swapped into the page out of band while the
   * request's own target is left as it was.
   */
  app.onError((thrown, c) => {
    if (isClientGone(thrown, c.req.raw)) {
      // Not a server error, and nobody is left to answer: one line, and a status of its own
      // for the request metrics. Nothing was written: every body is read before any write.
      console.warn(`${c.req.method} ${c.req.path}: the client closed the connection before its request body arrived`);
      return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    }
    const error = asAppError(thrown);
    if (!error) {
      console.error(`${c.req.method} ${c.req.path} failed`, thrown);
      return c.json(internalErrorBody, 500);
    }
    for (const [name, value] of Object.entries(error.headers())) c.header(name, value);
    if (c.req.header("hx-request") === "true") {
      c.header("hx-reswap", "none");
      return c.html(<ErrorFragment error={error.toBody()} />, error.status);
    }
    return c.json(error.toBody(), error.status);
  });

  return app;
}
export type App = ReturnType<typeof createApp>;

function asAppError(thrown: unknown): AppError | null {
  if (thrown instanceof AppError) return thrown;
  // hono's own validators report a body they cannot parse (a broken form, for the dashboard's
  // forms) this way; JSON bodies are read by validJson(), which says what is wrong first.
  if (thrown instanceof HTTPException && thrown.status === 400) return new MalformedJsonError("Request body could not be parsed");
  return null;
}
