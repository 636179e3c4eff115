import { Hono } from "hono";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { type AuditSources, checkInvariantsInTurns, consistencyReportSchema } from "./invariants";

/**
 * `GET /consistency`: the caller's session checked now. Sagas may be in flight, so an
 * unfinished order is only a violation when nothing is scheduled to move it on. The
 * conservation law (`stock_level + Σ confirmed = initial stock`) needs the initial stock,
 * which the database does not keep (a seed overwrites stock levels), so this route does not
 * check it; the randomized model test does, from the stock its model seeded. The check runs in
 * slices, so a session of thousands of orders does not hold up the other sessions' requests.
 */
export function consistencyRoutes(sources: AuditSources) {
  return new Hono<SessionEnv>().use(requireSession()).get(
    "/",
    docs({
      tag: "operations",
      summary: "Check the session against the saga's invariants",
      description:
        "Sagas may be in flight: an unfinished order is a violation only when nothing is scheduled to move it on. Runs in slices, so a big session does not hold up others.",
      answer: { description: "The report", schema: consistencyReportSchema },
    }),
    async (c) => c.json(await checkInvariantsInTurns(sources, { sessionId: c.var.sessionId })),
  );
}
