import type { MiddlewareHandler } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import { type ErrorCode, errorCodes, statusOfCode } from "./errors";
import { SESSION_HEADER } from "./session";

/**
 * The OpenAPI description of each route lives on the route, next to the zod schemas that
 * validate its request and shape its answer: hono-openapi reads them from the app's routes
 * (`GET /openapi.json`), so a route, its validation and its documentation cannot drift.
 */

/** The contract's error envelope, as every error answer carries it. */
export const errorBodySchema = z
  .object({
    error: z.string().describe("A sentence a person can act on"),
    code: z.enum(errorCodes),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("VALIDATION_FAILED: one entry per failing field"),
    message: z.string().optional().describe("SESSION_REQUIRED only: the same sentence, where SWAP's clients read it"),
  })
  .meta({
    id: "Error",
    example: { error: "Missing x-session-id header", code: "SESSION_REQUIRED", message: "Missing x-session-id header" },
  });

/** `{"message": "..."}`, the answer of SWAP's resets. */
export const messageSchema = z.object({ message: z.string() }).meta({ id: "Message", example: { message: "Orders reset successfully" } });

/** The security scheme every session-scoped operation names: the `x-session-id` header. */
export const SESSION_SCHEME = "session";

interface Answer {
  description: string;
  /** A JSON answer's schema; absent for an answer of another media type. */
  schema?: z.ZodType;
  /** The media type and a schema for a non-JSON answer (text, an event stream). */
  media?: { type: string; schema: Record<string, unknown> };
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  answer: Answer;
  /** Errors the route answers besides the session's and the request's own 400s. */
  errors?: readonly ErrorCode[];
  /** The route needs `x-session-id` (default true). */
  session?: boolean;
  /** The status of the answer (default 200; 201 for a route that creates). */
  status?: 200 | 201;
}

/** Documents a route: its summary, its answer and the error answers it can give, grouped by status. */
export function docs(doc: RouteDoc): MiddlewareHandler {
  const session = doc.session ?? true;
  const codes = new Set<ErrorCode>(doc.errors ?? []);
  if (session) {
    codes.add("SESSION_REQUIRED");
    codes.add("SESSION_INVALID");
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(statusOfCode[code], [...(byStatus.get(statusOfCode[code]) ?? []), code]);
  const content = doc.answer.schema
    ? { "application/json": { schema: resolver(doc.answer.schema) } }
    : doc.answer.media
      ? { [doc.answer.media.type]: { schema: doc.answer.media.schema } }
      : undefined;
  return describeRoute({
    tags: [doc.tag],
    summary: doc.summary,
    description: doc.description,
    security: session ? [{ [SESSION_SCHEME]: [] }] : [],
    responses: {
      [doc.status ?? 200]: {
        description: doc.answer.description,
        ...(content ? { content } : {}),
        ...(doc.answer.headers ? { headers: doc.answer.headers } : {}),
      },
      ...Object.fromEntries(
        [...byStatus].map(([status, list]) => [
          status,
          { description: list.join(", "), content: { "application/json": { schema: resolver(errorBodySchema) } } },
        ]),
      ),
    },
  });
}

/**
 * Documents the JSON body a route reads with its own reader (`validJson`): hono-openapi's
 * `describeRoute` with the request body its validator would have described, so the document
 * reads the same as for a route validated by hono-openapi itself.
 */
export const describesJsonBody = (schema: z.ZodType): MiddlewareHandler =>
  describeRoute({ requestBody: { required: true, content: { "application/json": { schema: resolver(schema) } } } });

/** The `Link` header of a paged list. */
export const linkHeader = {
  Link: { description: 'The next page, when there is one: `<…?cursor=…>; rel="next"`', schema: { type: "string" } },
};

/** The parts of the document no route carries: what it is, the session header, the tags. */
export const documentation = {
  info: {
    title: "saga workshop server",
    version: "1.0.0",
    description:
      "One process hosting an order saga (orders, inventory, payments) that teaches how choreographed sagas, compensations, idempotency and reservations behave. Wire-compatible with SWAP. Every route but /health, /metrics and /openapi.json needs the x-session-id header (1 to 64 characters of A-Z a-z 0-9 . _ : -): set it once with Authorize. Errors are always the Error envelope.",
  },
  components: {
    securitySchemes: {
      [SESSION_SCHEME]: {
        type: "apiKey" as const,
        in: "header" as const,
        name: SESSION_HEADER,
        description: "Your session: every row is keyed by it, and no session sees another's. Any value of the accepted form starts one.",
      },
    },
  },
  tags: [
    { name: "orders", description: "Orders and their sagas (SWAP's order service)" },
    { name: "inventory", description: "The catalog, stock and reservations (SWAP's inventory service)" },
    { name: "payments", description: "Payments (SWAP's payment service)" },
    { name: "shipments", description: "Shipments: the shipment step, for orders placed while the session's shipmentStep is on" },
    { name: "notifications", description: "What a customer would receive" },
    { name: "events", description: "The session's event log, live" },
    { name: "bus", description: "The bus's schedule and dead letters, steerable by hand" },
    { name: "scenarios", description: "Break it: the scenarios that put a saga bug back, and run it in a session" },
    { name: "sagas", description: "An operator's view of each saga" },
    { name: "settings", description: "The teacher's knobs, per session" },
    { name: "operations", description: "Health, consistency, metrics, sessions" },
  ],
};

/** The answer a JSON error route gives when validation fails: the envelope, not hono-openapi's default. */
export const validationErrorAnswer = {
  description: "VALIDATION_FAILED, MALFORMED_JSON, SESSION_REQUIRED, SESSION_INVALID",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};
