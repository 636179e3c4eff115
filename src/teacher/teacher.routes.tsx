import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { dashboardSecurityHeaders } from "../dashboard/security";
import type { SessionChangeFeed } from "../live/session-changes";
import type { SagaBus } from "../modules/events";
import type { Clock } from "../platform/clock";
import { RouteNotFoundError } from "../platform/errors";
import { type OverviewSources, sessionsOverview } from "./overview";
import { teacherStream } from "./teacher-stream";
import { SessionsTable, TeacherPage } from "./teacher.views";

const sameSecret = (given: string, secret: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The teacher's overview (`TEACHER_TOKEN`): `GET /teacher?token=`, its table
 * (`/teacher/sessions`) and its live stream (`/teacher/stream`). Without the right token, or
 * with no token configured, every path answers exactly as a route that does not exist: nobody
 * else can learn that it is there, or list the sessions.
 */
export function teacherRoutes(
  token: string | null,
  sources: OverviewSources & { bus: Pick<SagaBus, "listen">; changes: SessionChangeFeed; clock: Clock },
) {
  const onlyTheTeacher = createMiddleware(async (c, next) => {
    const given = c.req.query("token");
    if (token === null || given === undefined || !sameSecret(given, token)) throw new RouteNotFoundError(c.req.method, c.req.path);
    await next();
  });
  const table = async (token: string) => (
    <SessionsTable sessions={await sessionsOverview(sources)} now={sources.clock.now()} token={token} />
  );
  return new Hono()
    .use(onlyTheTeacher, dashboardSecurityHeaders())
    .get("/", async (c) => c.html(<TeacherPage token={token as string}>{await table(token as string)}</TeacherPage>))
    .get("/sessions", async (c) => c.html(await table(token as string)))
    .get("/stream", teacherStream(sources.bus, sources.changes));
}
