import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { eventToJson } from "../bus/event";
import { clientAddress } from "../platform/client-address";
import { RateLimitedError, ValidationError } from "../platform/errors";
import type { SessionEnv } from "../platform/session";
import type { SagaBus, SagaEvent } from "../modules/events";
import type { SessionChange } from "../modules/module-deps";
import type { SessionChangeFeed } from "./session-changes";

/**
 * Caps on open `GET /events/stream` connections. Each open stream holds a socket and a bus
 * listener for as long as a tab stays open, so a runaway script (or many forgotten tabs) must
 * not be able to hold an unbounded number. A dashboard tab opens exactly one.
 */
export interface StreamLimits {
  perSession: number;
  /**
   * Per client address, across sessions: one client holding every stream would lock all other
   * sessions out. Large enough for a class behind one NAT (30 attendees × 2 tabs).
   */
  perClient: number;
  total: number;
  /** A comment line is sent this often so proxies and Bun's idle timeout keep the socket open. */
  heartbeatMs: number;
  /** At most this many missed events are replayed after a `Last-Event-ID` / `?after=`. */
  maxReplay: number;
  /**
   * Events waiting for a client that reads too slowly. Past this the stream is closed rather
   * than let memory grow; the client reconnects with Last-Event-ID and catches up from the log.
   */
  maxBacklog: number;
}

export const defaultStreamLimits: StreamLimits = {
  perSession: 8,
  perClient: 64,
  // An idle stream costs the server about 20 KiB (2,000 streams: +39 MB RSS; bun tests/bench/streams-memory.ts).
  total: 2_048,
  heartbeatMs: 15_000,
  maxReplay: 1_000,
  maxBacklog: 10_000,
};

/** Counts open streams, per session and in total; a slot is taken before streaming and always given back. */
export class StreamRegistry {
  private readonly bySession = new Map<string, number>();
  private readonly byClient = new Map<string, number>();
  private open = 0;

  constructor(readonly limits: StreamLimits = defaultStreamLimits) {}

  /**
   * Takes a slot or throws 429 RATE_LIMITED; the returned function gives it back (once).
   * `client`: the caller's address, when the server knows it (in-process requests have none).
   */
  acquire(sessionId: string, client?: string): () => void {
    const mine = this.bySession.get(sessionId) ?? 0;
    const theirs = client === undefined ? 0 : (this.byClient.get(client) ?? 0);
    if (client !== undefined && theirs >= this.limits.perClient) {
      throw new RateLimitedError(
        `This address already has ${theirs} open event streams (limit ${this.limits.perClient}); close some tabs first`,
      );
    }
    if (mine >= this.limits.perSession) {
      throw new RateLimitedError(
        `This session already has ${mine} open event streams (limit ${this.limits.perSession}); close a tab or another stream first`,
      );
    }
    if (this.open >= this.limits.total) {
      throw new RateLimitedError(`The server already has ${this.open} open event streams (limit ${this.limits.total}); try again later`);
    }
    this.bySession.set(sessionId, mine + 1);
    if (client !== undefined) this.byClient.set(client, theirs + 1);
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
      if (client !== undefined) {
        const clientLeft = (this.byClient.get(client) ?? 1) - 1;
        if (clientLeft === 0) this.byClient.delete(client);
        else this.byClient.set(client, clientLeft);
      }
      const left = (this.bySession.get(sessionId) ?? 1) - 1;
      if (left === 0) this.bySession.delete(sessionId);
      else this.bySession.set(sessionId, left);
    };
  }

  openFor(sessionId: string): number {
    return this.bySession.get(sessionId) ?? 0;
  }

  get openTotal(): number {
    return this.open;
  }
}

/** Where a reconnecting client left off: the standard `Last-Event-ID` header, or `?after=` for curl. */
function resumeAfter(c: Context<SessionEnv>): number | null {
  const raw = c.req.header("last-event-id") ?? c.req.query("after");
  if (raw === undefined || raw === "") return null;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new ValidationError(
      [{ path: "after", message: "Expected a whole number" }],
      "Last-Event-ID / after must be an event seq (a whole number)",
    );
  }
  return Number(raw);
}

/**
 * `GET /events/stream`: Server-Sent Events, one message per committed event of the session:
 * `id: <seq>`, `event: <TYPE>`, `data: <the event as GET /events answers it>`. The bus
 * announces events only after their commit, so a client never sees an event that could
 * still roll back. With `Last-Event-ID` (or `?after=<seq>`) the missed events are replayed
 * first, so a reconnect loses nothing. A seed or a reset of the session arrives as a message
 * named after the change (`INVENTORY_CHANGED`, `ORDERS_RESET`, `SETTINGS_CHANGED`, ...), without an
 * id: it is not part of the log.
 */
export function eventStream(bus: SagaBus, changes: SessionChangeFeed, registry: StreamRegistry) {
  return (c: Context<SessionEnv>) => {
    const sessionId = c.var.sessionId;
    const after = resumeAfter(c);
    const release = registry.acquire(sessionId, clientAddress(c));

    return streamSSE(
      c,
      async (stream) => {
        const pending: (SagaEvent | SessionChange)[] = [];
        let wake: (() => void) | null = null;
        let closed = false;
        const close = () => {
          closed = true;
          wake?.();
        };
        stream.onAbort(close);
        c.req.raw.signal.addEventListener("abort", close);
        // A reader too slow for the backlog cap (or one that stopped reading) is cut off: what
        // is queued for it is dropped, it hears of nothing more, and the stream is aborted, which
        // also releases a write stuck on a socket nobody reads. It reconnects with Last-Event-ID.
        const cutOff = () => {
          pending.length = 0;
          stopListening();
          release();
          close();
          stream.abort();
        };
        const queue = () => {
          if (pending.length > registry.limits.maxBacklog) cutOff();
          else if (pending.length > 0) wake?.();
        };
        // Listen before replaying, so nothing committed in between is missed; seq dedupes the overlap.
        const unlisten = bus.listen((committed) => {
          if (closed) return;
          for (const event of committed) if (event.sessionId === sessionId) pending.push(event);
          queue();
        });
        const unlistenChanges = changes.listen((changed, change) => {
          if (changed !== sessionId || closed) return;
          pending.push(change);
          queue();
        });
        const stopListening = () => {
          unlisten();
          unlistenChanges();
        };
        const heartbeat = setInterval(() => {
          void stream.write(": keep-alive\n\n").catch(close);
        }, registry.limits.heartbeatMs);

        let lastSent = after ?? 0;
        const send = async (event: SagaEvent | SessionChange) => {
          // A seed or a reset is no event of the log: it has no seq, and is never replayed.
          if (typeof event === "string") return stream.writeSSE({ event, data: JSON.stringify({ sessionId, change: event }) });
          if (event.sessionSeq <= lastSent) return;
          lastSent = event.sessionSeq;
          await stream.writeSSE({ id: String(event.sessionSeq), event: event.type, data: JSON.stringify(eventToJson(event)) });
        };

        try {
          // A position the log cannot serve is never skipped over in silence: the client is told
          // to reload its view (RESYNC) and the stream goes on from the log's end. That is a
          // Last-Event-ID ahead of every seq the log ever gave (a tab open across a restart on a
          // fresh database), or more missed events than a replay may hold.
          const missed = after === null ? [] : bus.log.sessionEvents(sessionId, after, registry.limits.maxReplay + 1);
          const newest = bus.log.newestSessionSeq(sessionId);
          const resync =
            after !== null && after > newest
              ? "ahead of the log"
              : missed.length > registry.limits.maxReplay
                ? `more than ${registry.limits.maxReplay} missed events`
                : null;
          if (resync) lastSent = newest;
          // Tells the client the stream is live (and, for curl, that it is connected to the right session).
          await stream.writeSSE({ event: "ready", data: JSON.stringify({ sessionId, after: lastSent }) });
          if (resync) {
            await stream.writeSSE({ event: "RESYNC", data: JSON.stringify({ sessionId, reason: resync, after: lastSent }) });
          } else {
            for (const event of missed) await send(event);
          }
          while (!closed) {
            while (pending.length > 0 && !closed) await send(pending.shift()!);
            if (closed) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (pending.length > 0 || closed) resolve();
            });
            wake = null;
          }
        } finally {
          clearInterval(heartbeat);
          stopListening();
          release();
        }
      },
      async () => {
        // A write failed: the client is gone. The finally above gives the slot back.
      },
    );
  };
}
