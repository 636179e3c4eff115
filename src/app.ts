import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { StreamRegistry } from "./bus/event-stream";
import { eventsRoutes } from "./bus/events.routes";
import { consistencyRoutes } from "./consistency/consistency.routes";
import { installDashboard } from "./dashboard";
import { installInventory } from "./modules/inventory";
import { installOrders } from "./modules/orders";
import { installPayments } from "./modules/payments";
import type { Deps } from "./platform/deps";
import { AppError, MalformedJsonError, PayloadTooLargeError, internalErrorBody } from "./platform/errors";
import { SESSION_HEADER } from "./platform/session";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Builds the HTTP application and wires the three modules onto the bus. Creating the app
 * subscribes the modules' reactions, so build one app per bus.
 */
export function createApp(deps: Deps, streams = new StreamRegistry()) {
  const app = new Hono();

  // SWAP's React front end calls from another origin and sends the session as a header.
  app.use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Content-Type", SESSION_HEADER, "Idempotency-Key"],
      exposeHeaders: ["Idempotent-Replayed"],
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

  app.get("/health", (c) => c.json({ status: "ok", service: "saga-workshop-server", modules: ["orders", "inventory", "payments"] }));
  app.route("/orders", installOrders(deps));
  app.route("/inventory", installInventory(deps));
  app.route("/payments", installPayments(deps));
  app.route("/events", eventsRoutes(deps, streams));
  app.route("/consistency", consistencyRoutes(deps));
  // The dashboard page, its fragments and its static assets (htmx from node_modules, public/).
  app.route("/", installDashboard(deps));

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}`, code: "NOT_FOUND" }, 404));

  app.onError((error, c) => {
    if (error instanceof AppError) return c.json(error.toBody(), error.status);
    // hono's own validator reports unparsable JSON this way; jsonBody() normally gets there first.
    if (error instanceof HTTPException && error.status === 400) return c.json(new MalformedJsonError().toBody(), 400);
    console.error(`${c.req.method} ${c.req.path} failed`, error);
    return c.json(internalErrorBody, 500);
  });

  return app;
}
