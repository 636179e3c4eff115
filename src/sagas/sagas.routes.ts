import { Hono } from "hono";
import { z } from "zod";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { MAX_LIST_LIMIT, validate } from "../platform/validation";
import { SAGAS_SCANNED, type SagaAdmin, sagaDetailSchema, sagaStatuses, sagaViewSchema } from "./sagas";

const sagaListQuerySchema = z.object({
  status: z.enum(sagaStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
});
const sagaIdParamSchema = z.object({ id: z.string().min(1).max(200) });

/** `GET /sagas?status=&limit=`, `GET /sagas/:id`, `POST /sagas/:id/retry`, `POST /sagas/:id/compensate`. */
export function sagasRoutes(admin: SagaAdmin) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({
        tag: "sagas",
        summary: "The session's sagas",
        description: `Newest first, of the session's newest ${SAGAS_SCANNED} orders; ?status= running, completed, cancelled or stuck.`,
        answer: { description: "Sagas", schema: z.array(sagaViewSchema) },
      }),
      validate("query", sagaListQuerySchema),
      (c) => c.json(admin.listSagas(c.var.sessionId, c.req.valid("query"))),
    )
    .get(
      "/:id",
      docs({
        tag: "sagas",
        summary: "One saga, with its steps",
        description:
          "Its style, the step running now and every step's status (pending, running, done, failed, compensating, compensated, skipped). An orchestrated saga answers from the orchestrator's log; another from its events.",
        answer: { description: "The saga", schema: sagaDetailSchema },
        errors: ["NOT_FOUND"],
      }),
      validate("param", sagaIdParamSchema),
      (c) => c.json(admin.sagaView(c.var.sessionId, c.req.valid("param").id)),
    )
    .post(
      "/:id/retry",
      docs({
        tag: "sagas",
        summary: "Retry a saga's dead letters",
        description: "Runs each of its dead letters once more, now. 409 when it has none.",
        answer: { description: "The saga", schema: sagaDetailSchema },
        errors: ["NOT_FOUND", "INVALID_STATE"],
      }),
      validate("param", sagaIdParamSchema),
      (c) => c.json(admin.retrySaga(c.var.sessionId, c.req.valid("param").id)),
    )
    .post(
      "/:id/compensate",
      docs({
        tag: "sagas",
        summary: "Compensate a saga (an operator)",
        description: "Cancels it as `operator`, with the same compensation as a customer's cancel. 409 when already cancelled.",
        answer: { description: "The saga", schema: sagaDetailSchema },
        errors: ["NOT_FOUND", "INVALID_STATE"],
      }),
      validate("param", sagaIdParamSchema),
      (c) => c.json(admin.compensateSaga(c.var.sessionId, c.req.valid("param").id)),
    );
}
