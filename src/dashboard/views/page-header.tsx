import { shortId } from "../format";
import { LIVE_SOURCE_ID } from "../live";

/** Which page of a session GET / renders: the attendees' dashboard, or the projector's stage view. */
export type PageView = "dashboard" | "stage";

/** The URL of a session's page in the given view: the header's switch between the two. */
export function pageUrl(sessionId: string, view: PageView): string {
  const session = `/?session=${encodeURIComponent(sessionId)}`;
  return view === "stage" ? `${session}&view=stage` : session;
}

/** Asked before New session: this one is not deleted, and stays one click away. */
export const NEW_SESSION_WARNING =
  "Start a new session? This page moves to a fresh, empty session. This one is kept as it is: reopen it from Recent sessions.";

/**
 * The page's header: the session, the live badge and the switch to the other view. The stage
 * view keeps it to one short row (the projector's height is for the saga), so it shows the
 * session's short id and leaves Copy, New session and the API link to the dashboard. It marks
 * a session whose catalog is empty (opened by its URL, never seeded).
 */
export function PageHeader(props: { sessionId: string; view: PageView; catalogEmpty: boolean }) {
  const { sessionId, view } = props;
  const stage = view === "stage";
  return (
    <header class="top">
      <div class="brand">
        <h1>Saga workshop</h1>
        {stage ? null : <p class="tagline">orders → inventory → payments, choreographed over one durable event bus</p>}
      </div>
      {/* data-catalog="empty": public/dashboard.js seeds the default catalog, as for a new session. */}
      <div class="session" data-session-id={sessionId} data-catalog={props.catalogEmpty ? "empty" : undefined}>
        <span class="muted">Session</span>
        <code id="session-id" title={sessionId}>
          {stage ? shortId(sessionId) : sessionId}
        </code>
        {stage ? null : (
          <>
            <button type="button" class="button button-quiet" id="copy-session" data-copy={sessionId}>
              Copy
            </button>
            <button
              type="button"
              class="button button-quiet"
              id="projector-toggle"
              aria-pressed="false"
              title="Larger text for a projector; remembered by this browser"
            >
              Projector
            </button>
            <button type="button" class="button button-quiet" id="new-session" data-confirm={NEW_SESSION_WARNING}>
              New session
            </button>
            {/* public/dashboard.js lists the last sessions this browser opened (localStorage), each a link. */}
            <details class="recent-sessions" id="recent-sessions">
              <summary class="button button-quiet">Recent sessions</summary>
              <ul />
            </details>
            <a
              class="button button-quiet"
              id="api-reference"
              href={`/docs?session=${encodeURIComponent(sessionId)}`}
              title="Every route, with Try it out in this session"
            >
              API
            </a>
          </>
        )}
        <a
          class="button button-quiet"
          id="view-switch"
          data-view={stage ? "dashboard" : "stage"}
          href={pageUrl(sessionId, stage ? "dashboard" : "stage")}
          title={stage ? "Every panel of this session, for attendees" : "The saga, the board and the bus on one projector screen"}
        >
          {stage ? "Dashboard" : "Stage view"}
        </a>
        <span
          id={LIVE_SOURCE_ID}
          class="live"
          data-state="connecting"
          // public/dashboard.js connects it (hx-sse:connect) in one tab of the browser and
          // shares its messages with the session's other tabs.
          data-stream-url={`/events/stream?session=${encodeURIComponent(sessionId)}`}
          hx-swap="none"
          title="Live updates over GET /events/stream (Server-Sent Events)"
        >
          connecting…
        </span>
      </div>
    </header>
  );
}
