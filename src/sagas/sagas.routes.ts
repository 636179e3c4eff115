import { Hono } from "hono";
import { z } from "zod";
import { type SessionEnv, requireSession } from "../platform/session";
import { MAX_LIST_LIMIT, validate } from "../platform/validation";
import { type SagaAdmin, sagaStatuses } from "./sagas";

const sagaListQuerySchema = z.object({
  status: z.enum(sagaStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
});
const sagaIdParamSchema = z.object({ id: z.string().min(1).max(200) });

/** `GET /sagas?status=&limit=`, `GET /sagas/:id`, `POST /sagas/:id/retry`, `POST /sagas/:id/compensate`. */
export function sagasRoutes(admin: SagaAdmin) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", validate("query", sagaListQuerySchema), (c) => c.json(admin.listSagas(c.var.sessionId, c.req.valid("query"))))
    .get("/:id", validate("param", sagaIdParamSchema), (c) => c.json(admin.sagaView(c.var.sessionId, c.req.valid("param").id)))
    .post("/:id/retry", validate("param", sagaIdParamSchema), (c) => c.json(admin.retrySaga(c.var.sessionId, c.req.valid("param").id)))
    .post("/:id/compensate", validate("param", sagaIdParamSchema), (c) =>
      c.json(admin.compensateSaga(c.var.sessionId, c.req.valid("param").id)),
    );
}
