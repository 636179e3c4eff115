import { Hono } from "hono";
import { z } from "zod";
import { type DeliveryLog, deliveryOutcomes } from "../bus/delivery-log";
import { type OrdersModule, orderIdParamSchema } from "../modules/orders";
import { toIso } from "../platform/clock";
import { NotFoundError } from "../platform/errors";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { validate } from "../platform/validation";

/**
 * `GET /orders/:id/deliveries`: every attempt the relay made to deliver the order's events, in
 * the order it made them: `[{eventSeq, eventType, reaction, attempt, outcome, at, error?, retryAt?, ignoredBecause?}]`
 * (`retryAt`: when a `failed` attempt is tried again; `ignoredBecause`: an `applied` one changed nothing, and why).
 */
/** One attempt to deliver one of an order's events to a reaction. */
export const deliveryAttemptSchema = z
  .object({
    eventSeq: z.number().int(),
    eventType: z.string(),
    reaction: z.string(),
    attempt: z.number().int(),
    outcome: z.enum(deliveryOutcomes),
    at: z.iso.datetime(),
    error: z.string().optional(),
    retryAt: z.iso.datetime().optional().describe("For a failed attempt: when the next one is due"),
    ignoredBecause: z
      .string()
      .optional()
      .describe(
        'For an applied attempt whose decision changed nothing: why, in the reaction\'s own words ("no money was taken: nothing to refund")',
      ),
  })
  .meta({ id: "DeliveryAttempt" });

export function deliveriesRoutes(orders: Pick<OrdersModule["queries"], "findOrder">, deliveryLog: DeliveryLog) {
  const described = docs({
    tag: "orders",
    summary: "Every delivery attempt of an order's saga",
    description:
      "In the order the relay made them, with outcomes: applied, duplicate_ignored, failed (with when it is retried), dead_lettered. Kept in memory, bounded by bytes (32 MiB in all, 2 MiB per session), the least recently delivered-to orders dropped first; empty after a restart.",
    answer: { description: "Attempts", schema: z.array(deliveryAttemptSchema) },
    errors: ["NOT_FOUND"],
  });
  return new Hono<SessionEnv>().get("/:id/deliveries", requireSession(), described, validate("param", orderIdParamSchema), (c) => {
    const { id } = c.req.valid("param");
    if (!orders.findOrder(c.var.sessionId, id)) throw new NotFoundError(`Order ${id}`);
    return c.json(
      deliveryLog
        .forOrder(c.var.sessionId, id)
        .map(({ retryAt, ...entry }) => ({ ...entry, at: toIso(entry.at), ...(retryAt === undefined ? {} : { retryAt: toIso(retryAt) }) })),
    );
  });
}
