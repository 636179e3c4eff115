import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { eventToJson } from "../bus/event";
import type { SagaBus, SagaEvent } from "../modules/events";
import type { SessionChange } from "../modules/module-deps";
import { clientAddress } from "../platform/client-address";
import { defaultStreamsPerAddress } from "../platform/config";
import { RateLimitedError, ValidationError } from "../platform/errors";
import type { SessionEnv } from "../platform/session";
import type { SessionChangeFeed } from "./session-changes";
import { StreamBacklog } from "./stream-backlog";

/**
 * Caps on open `GET /events/stream` connections. Each open stream holds a socket and a bus
 * listener for as long as a tab stays open, so a runaway script (or many forgotten tabs) must
 * not be able to hold an unbounded number. A dashboard tab opens exactly one.
 */
export interface StreamLimits {
  perSession: number;
  /**
   * Per client address, across sessions: one client holding every stream would lock all other
   * sessions out. Large enough for a class behind one NAT (30 attendees × 2 tabs);
   * `STREAMS_PER_ADDRESS` sets it for a larger one.
   */
  perClient: number;
  total: number;
  /** A comment line is sent this often so proxies and Bun's idle timeout keep the socket open. */
  heartbeatMs: number;
  /** At most this many missed events are replayed after a `Last-Event-ID` / `?after=`. */
  maxReplay: number;
  /**
   * A stream reads the log (its replay, and the events it heard of) in pages of at most this many
   * bytes of stored JSON, and always at least one event. The events wait in the log, not in the
   * stream: a stream whose reader stalls holds one page, whatever it owes.
   */
  pageBytes: number;
  /**
   * Committed events a stream may owe a client that reads too slowly, or has stopped reading.
   * They cost no memory (they are read from the log when their turn comes); the cap frees the slot
   * of a reader that will never catch up. Past it the stream is cut off; the client reconnects
   * with Last-Event-ID and catches up from the log (or is told to RESYNC).
   */
  maxBacklog: number;
  /** What a stream's backlog (its marks of the log and its change notices) may hold in memory, in bytes; past it, cut off too. */
  maxBacklogBytes: number;
}

export const defaultStreamLimits: StreamLimits = {
  perSession: 8,
  perClient: defaultStreamsPerAddress,
  // An idle stream costs the server about 20 KiB (2,000 streams: +39 MB RSS; bun tests/bench/streams-memory.ts).
  total: 1_536,
  heartbeatMs: 15_000,
  maxReplay: 1_000,
  // Two events of a 100-line order (24–49 KB each) never share a page; about a hundred small ones do.
  pageBytes: 32 * 1024,
  maxBacklog: 10_000,
  // About a thousand notices: a change notice repeated in a row is queued once.
  maxBacklogBytes: 64 * 1024,
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
 * One Server-Sent Events message, framed. Each message is written as one string so that while a
 * write waits on a socket nobody reads, the stream holds one copy of it (the bytes handed to the
 * response), not its data, its lines and its bytes (hono's writeSSE keeps all three). `data` is
 * one line: JSON.stringify escapes every line break; `event` and `id` are event types and numbers.
 */
export function sseFrame(message: { event: string; data: string; id?: string }): string {
  return `event: ${message.event}\ndata: ${message.data}\n${message.id === undefined ? "" : `id: ${message.id}\n`}\n`;
}

/** A committed event as its stream message: `id:` its seq, `event:` its type, `data:` the event as GET /events answers it. */
const eventFrame = (event: SagaEvent) =>
  sseFrame({ id: String(event.sessionSeq), event: event.type, data: JSON.stringify(eventToJson(event)) });

/**
 * `GET /events/stream`: Server-Sent Events, one message per committed event of the session:
 * `id: <seq>`, `event: <TYPE>`, `data: <the event as GET /events answers it>`. The bus
 * announces events only after their commit, so a client never sees an event that could
 * still roll back. With `Last-Event-ID` (or `?after=<seq>`) the missed events are replayed
 * first, so a reconnect loses nothing. A seed or a reset of the session arrives as a message
 * named after the change (`INVENTORY_CHANGED`, `ORDERS_RESET`, `SETTINGS_CHANGED`, ...), without an
 * id: it is not part of the log.
 *
 * Events are never queued in memory: the stream notes how far the log has gone (a backlog of
 * marks, see StreamBacklog) and reads the events from the log a page of `pageBytes` at a time
 * when their turn comes, replay and live alike. So a stream costs one page however much it owes.
 */
export function eventStream(bus: SagaBus, changes: SessionChangeFeed, registry: StreamRegistry) {
  const limits = registry.limits;
  return (c: Context<SessionEnv>) => {
    const sessionId = c.var.sessionId;
    const after = resumeAfter(c);
    const release = registry.acquire(sessionId, clientAddress(c));

    return streamSSE(
      c,
      async (stream) => {
        const backlog = new StreamBacklog();
        let wake: (() => void) | null = null;
        let closed = false;
        const close = () => {
          closed = true;
          wake?.();
        };
        stream.onAbort(close);
        c.req.raw.signal.addEventListener("abort", close);
        // A reader too slow for the backlog caps (or one that stopped reading) is cut off: what
        // it is owed is dropped, it hears of nothing more, and the stream is aborted, which also
        // releases a write stuck on a socket nobody reads. It reconnects with Last-Event-ID.
        const cutOff = () => {
          backlog.clear();
          stopListening();
          release();
          close();
          stream.abort();
        };
        const heard = () => {
          if (backlog.events > limits.maxBacklog || backlog.bytes > limits.maxBacklogBytes) cutOff();
          else wake?.();
        };
        const unlisten = bus.listen((committed) => {
          if (closed) return;
          let count = 0;
          let newest = 0;
          for (const event of committed) {
            if (event.sessionId !== sessionId) continue;
            count += 1;
            newest = Math.max(newest, event.sessionSeq);
          }
          if (count === 0) return;
          backlog.heardEvents(newest, count);
          heard();
        });
        const unlistenChanges = changes.listen((changed, change) => {
          if (changed !== sessionId || closed) return;
          backlog.heardChange(change);
          heard();
        });
        const stopListening = () => {
          unlisten();
          unlistenChanges();
        };
        // Read in the same turn as listening, and transactions never span a turn: every event
        // up to `newest` is in the log now, and every later one will be heard.
        const newest = bus.log.newestSessionSeq(sessionId);
        const heartbeat = setInterval(() => {
          void stream.write(": keep-alive\n\n").catch(close);
        }, limits.heartbeatMs);

        let lastSent = after ?? newest;
        /** Sends the log's events after `lastSent` up to `throughSeq`, a page at a time. */
        const sendLog = async (throughSeq: number) => {
          while (!closed && lastSent < throughSeq) {
            const page = bus.log.sessionEventsPage(sessionId, lastSent, throughSeq, limits.pageBytes);
            // What is left of the range was removed by a reset (ORDERS_RESET tells the client).
            if (page.length === 0) break;
            // Each event is taken off the page and only its frame is handed on, so while a write
            // waits on a socket nobody reads, the stream keeps neither the event nor its frame's text.
            const nextFrame = (event: SagaEvent) => {
              lastSent = event.sessionSeq;
              return eventFrame(event);
            };
            for (let next = page.shift(); next !== undefined && !closed; next = page.shift()) await stream.write(nextFrame(next));
          }
          lastSent = Math.max(lastSent, throughSeq);
        };
        const sendChange = (change: SessionChange) =>
          stream.write(sseFrame({ event: change, data: JSON.stringify({ sessionId, change }) }));

        try {
          // A position the log cannot serve is never skipped over in silence: the client is told
          // to reload its view (RESYNC) and the stream goes on from the log's end. That is a
          // Last-Event-ID ahead of every seq the log ever gave (a tab open across a restart on a
          // fresh database), or more missed events than a replay may hold.
          const resync =
            after === null
              ? null
              : after > newest
                ? "ahead of the log"
                : bus.log.hasMoreThan(sessionId, after, limits.maxReplay)
                  ? `more than ${limits.maxReplay} missed events`
                  : null;
          if (resync) lastSent = newest;
          // Tells the client the stream is live (and, for curl, that it is connected to the right session).
          await stream.write(sseFrame({ event: "ready", data: JSON.stringify({ sessionId, after: resync ? newest : (after ?? 0) }) }));
          if (resync) {
            await stream.write(sseFrame({ event: "RESYNC", data: JSON.stringify({ sessionId, reason: resync, after: newest }) }));
          } else {
            await sendLog(newest);
          }
          while (!closed) {
            for (let owed = backlog.take(); owed !== undefined && !closed; owed = backlog.take()) {
              if (owed.log) await sendLog(owed.throughSeq);
              else await sendChange(owed.change);
            }
            if (closed) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (backlog.size > 0 || closed) resolve();
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
