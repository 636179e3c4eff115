import { Hono } from "hono";
import { z } from "zod";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { sessionSchema } from "./session.routes";
import { type SessionExportSources, sessionExport } from "./session-export";

/** `GET /session/export`: the session as one JSON download (src/sessions/session-export.ts). */
export function sessionExportRoutes(sources: SessionExportSources) {
  return new Hono<SessionEnv>().use(requireSession({ allowQuery: true })).get(
    "/",
    docs({
      tag: "operations",
      summary: "Export the session",
      description:
        "One JSON document of the session, as a download (a link may name the session as ?session=, since a link cannot send a header) (saga-session-<id>.json): its name, settings and catalog; every order (with its lines), every event of its log, every payment and shipment, written page by page; its scheduled deliveries, dead letters, reservations, notifications and sagas, newest first, 1,000 of each at most (`truncated` names a list that had more). Each row has the shape its own route answers (GET /orders, /events, /bus/deliveries, …).",
      answer: {
        description: "The session",
        schema: z
          .object({
            version: z.literal(1),
            exportedAt: z.string(),
            session: sessionSchema,
            settings: z.record(z.string(), z.unknown()),
            products: z.array(z.unknown()),
            orders: z.array(z.unknown()),
            events: z.array(z.unknown()),
            payments: z.array(z.unknown()),
            shipments: z.array(z.unknown()),
            deliveries: z.array(z.unknown()),
            deadLetters: z.array(z.unknown()),
            reservations: z.array(z.unknown()),
            notifications: z.array(z.unknown()),
            sagas: z.array(z.unknown()),
            truncated: z.array(z.string()),
          })
          .meta({ id: "SessionExport" }),
      },
    }),
    (c) => sessionExport(c, c.var.sessionId, sources),
  );
}
