import { Hono } from "hono";
import { docs } from "../platform/openapi";
import type { ServerMetrics } from "./metrics";

/** `GET /metrics`: Prometheus text, no session needed (nothing in it names a session). */
export function metricsRoutes(metrics: ServerMetrics) {
  const described = docs({
    tag: "operations",
    summary: "Prometheus metrics",
    description: "Text format 0.0.4; no session needed and no session in any label (docs/metrics.md lists the series).",
    answer: { description: "The metrics", media: { type: "text/plain", schema: { type: "string" } } },
    session: false,
  });
  return new Hono().get("/", described, async (c) => {
    c.header("content-type", metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}
