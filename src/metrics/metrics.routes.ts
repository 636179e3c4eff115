import { Hono } from "hono";
import type { ServerMetrics } from "./metrics";

/** `GET /metrics`: Prometheus text, no session needed (nothing in it names a session). */
export function metricsRoutes(metrics: ServerMetrics) {
  return new Hono().get("/", async (c) => {
    c.header("content-type", metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}
