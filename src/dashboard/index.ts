/**
 * Dashboard: the workshop's face. A server-rendered page (hono/jsx) of panels, each also
 * answered alone as a fragment that htmx swaps in when the session's events (one SSE
 * connection per tab, GET /events/stream) make it stale. It owns no tables: it reads and acts
 * only through the modules' public faces (`queries`, `commands`), exactly as their HTTP
 * routes do.
 */
import { Hono } from "hono";
import { dashboardRoutes } from "./dashboard.routes";
import type { DashboardSources } from "./dashboard-data";

export type { DashboardSources } from "./dashboard-data";

export function dashboard(sources: DashboardSources) {
  return new Hono().route("/", dashboardRoutes(sources));
}
