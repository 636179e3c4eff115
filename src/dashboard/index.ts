/**
 * Dashboard: the workshop's face. A server-rendered page (hono/jsx) of panels, each also
 * answered alone as a fragment that htmx swaps in when the session's events (one SSE
 * connection per tab, GET /events/stream) make it stale. It owns no tables: it reads and
 * acts only through the modules' services, exactly as their HTTP routes do.
 */
import { Hono } from "hono";
import type { Deps } from "../platform/deps";
import { assetRoutes } from "./assets";
import { dashboardRoutes } from "./dashboard.routes";

export function installDashboard(deps: Deps) {
  return new Hono().route("/assets", assetRoutes()).route("/", dashboardRoutes(deps));
}
