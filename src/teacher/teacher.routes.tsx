import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { SessionChangeFeed } from "../live/session-changes";
import type { SagaBus } from "../modules/events";
import { clientAddress } from "../platform/client-address";
import type { Clock } from "../platform/clock";
import { RateLimitedError, RouteNotFoundError } from "../platform/errors";
import { FailureLimiter } from "../platform/failure-limit";
import type { Timer } from "../platform/timer";
import { validJson } from "../platform/validation";
import { htmlSecurityHeaders } from "../web/security";
import { type BroadcastPorts, broadcast, broadcastSchema } from "./broadcast";
import type { OverviewCache } from "./overview-cache";
import { SessionsTable, TeacherPage } from "./teacher.views";
import { teacherStream } from "./teacher-stream";

/**
 * Token guesses one client address may make: 5 wrong tokens within a minute lock it out for 30 s
 * (every /teacher request from it answers 429 with Retry-After, even with the right token), so a
 * guesser gets about 10 tries a minute instead of thousands a second. 10,000 addresses remembered.
 */
export const TEACHER_TOKEN_LOCKOUT = { failuresAllowed: 5, windowMs: 60_000, lockoutMs: 30_000 } as const;
export const TEACHER_CLIENTS_REMEMBERED = 10_000;

const sameSecret = (given: string, secret: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The teacher's overview (`TEACHER_TOKEN`): `GET /teacher?token=`, its table
 * (`/teacher/sessions`), its live stream (`/teacher/stream`) and `POST /teacher/broadcast` (settings or a
 * scenario for every session on it). Without the right token, or
 * with no token configured, every path answers exactly as a route that does not exist: nobody
 * else can learn that it is there, or list the sessions.
 */
export function teacherRoutes(
  token: string | null,
  sources: {
    overview: OverviewCache;
    bus: Pick<SagaBus, "listen">;
    changes: SessionChangeFeed;
    clock: Clock;
    timer: Timer;
    /** What `POST /teacher/broadcast` does to each session: its knobs, a scenario run by name. */
    broadcast: Omit<BroadcastPorts, "sessions"> & { scenarioNames: readonly string[] };
  },
) {
  const guesses = new FailureLimiter(sources.clock, TEACHER_TOKEN_LOCKOUT, TEACHER_CLIENTS_REMEMBERED);
  const onlyTheTeacher = createMiddleware(async (c, next) => {
    // With no token configured there is nothing to guess: every path is simply not there.
    if (token === null) throw new RouteNotFoundError(c.req.method, c.req.path);
    // In-process requests have no address; they share one record.
    const client = clientAddress(c) ?? "unknown";
    const allowed = guesses.check(client);
    if (!allowed.allowed) throw new RateLimitedError("Too many wrong teacher tokens from this address", allowed.retryAfterMs);
    const given = c.req.query("token");
    if (given === undefined || !sameSecret(given, token)) {
      guesses.failed(client);
      throw new RouteNotFoundError(c.req.method, c.req.path);
    }
    guesses.succeeded(client);
    await next();
  });
  const table = async (token: string) => (
    <SessionsTable overview={await sources.overview.current()} now={sources.clock.now()} token={token} />
  );
  return new Hono()
    .use(onlyTheTeacher, htmlSecurityHeaders())
    .get("/", async (c) =>
      c.html(
        <TeacherPage token={token as string} scenarioNames={sources.broadcast.scenarioNames}>
          {await table(token as string)}
        </TeacherPage>,
      ),
    )
    .get("/sessions", async (c) => c.html(await table(token as string)))
    .get("/stream", teacherStream([sources.bus, sources.changes, sources.overview], sources.timer))
    .post("/broadcast", ...validJson(broadcastSchema(sources.broadcast.scenarioNames)), async (c) =>
      c.json(
        await broadcast(
          {
            ...sources.broadcast,
            sessions: async () => (await sources.overview.current()).rows.map((row) => row.sessionId),
          },
          c.req.valid("json"),
        ),
      ),
    );
}
