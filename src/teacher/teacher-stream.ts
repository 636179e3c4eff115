import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { RateLimitedError } from "../platform/errors";
import type { Timer } from "../platform/timer";

/** Open overview streams at most (a teacher or two, a few tabs each). */
export const TEACHER_STREAMS = 8;
/** However busy the class, the overview refreshes at most once per this many ms. */
export const TEACHER_REFRESH_MS = 1_000;

/** Anything the stream can hear from: the bus, the session change feed, the overview's computations. */
interface Announcer {
  listen(listener: () => void): () => void;
}

/**
 * `GET /teacher/stream`: one message, `SESSIONS_CHANGED`, whenever anything happened in any
 * session or the overview finished a computation, at most once a second: the overview page
 * re-fetches its table on it. No data about the sessions travels on the stream itself.
 */
export function teacherStream(announcers: readonly Announcer[], timer: Timer) {
  let open = 0;
  return (c: Context) => {
    if (open >= TEACHER_STREAMS) throw new RateLimitedError(`At most ${TEACHER_STREAMS} overview streams may be open`);
    open += 1;
    return streamSSE(c, async (stream) => {
      // The refresh waits on the injected timer, so a test fires it instead of waiting a second.
      const refresh: { cancel: (() => void) | null } = { cancel: null };
      let closed = false;
      const changed = () => {
        if (refresh.cancel || closed) return;
        refresh.cancel = timer.after(TEACHER_REFRESH_MS, () => {
          refresh.cancel = null;
          if (!closed) void stream.writeSSE({ event: "SESSIONS_CHANGED", data: "{}" }).catch(() => {});
        });
      };
      const unlisten = announcers.map((announcer) => announcer.listen(changed));
      const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => {}), 15_000);
      try {
        const aborted = new Promise<void>((resolve) => stream.onAbort(resolve));
        await stream.writeSSE({ event: "ready", data: "{}" });
        await aborted;
      } finally {
        closed = true;
        refresh.cancel?.();
        clearInterval(keepAlive);
        for (const stop of unlisten) stop();
        open -= 1;
      }
    });
  };
}
