import type { Child } from "hono/jsx";
import { Layout } from "../dashboard/views/layout";
import type { SessionOverview } from "./overview";

const ago = (ms: number) => (ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s ago` : `${Math.round(ms / 60_000)} min ago`);

/** Every active session, most recent first; each row opens that session's dashboard. */
export function SessionsTable(props: { sessions: SessionOverview[]; now: number; token: string }) {
  const path = `/teacher/sessions?token=${encodeURIComponent(props.token)}`;
  return (
    <section
      id="sessions-panel"
      class="panel"
      hx-get={path}
      hx-trigger="SESSIONS_CHANGED from:#live"
      hx-swap="outerHTML"
      hx-sync="this:replace"
    >
      <header class="panel-head">
        <h2>Sessions</h2>
        <span class="muted" data-session-count={String(props.sessions.length)}>
          {props.sessions.length} active
        </span>
      </header>
      {props.sessions.length === 0 ? (
        <p class="empty">No session has a catalog or an order yet.</p>
      ) : (
        <table class="table teacher">
          <thead>
            <tr>
              <th>Session</th>
              <th class="num">Orders</th>
              <th class="num">Completed</th>
              <th class="num">Cancelled</th>
              <th class="num">Running</th>
              <th class="num">Stuck</th>
              <th class="num">Dead letters</th>
              <th>Consistency</th>
              <th>Last activity</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr data-session={s.sessionId} data-consistent={String(s.consistent)}>
                <td>
                  <a href={`/?session=${encodeURIComponent(s.sessionId)}`} target="_blank" rel="noopener noreferrer">
                    <code>{s.sessionId}</code>
                  </a>
                </td>
                <td class="num">{s.orders}</td>
                <td class="num">{s.completed}</td>
                <td class="num">{s.cancelled}</td>
                <td class="num">{s.running}</td>
                <td class={`num${s.stuck > 0 ? " dead" : ""}`}>{s.stuck}</td>
                <td class={`num${s.deadLetters > 0 ? " dead" : ""}`}>{s.deadLetters}</td>
                <td>
                  {s.consistent ? (
                    <span class="badge badge-completed">consistent</span>
                  ) : (
                    <span class="badge badge-cancelled">{s.violations} violations</span>
                  )}
                </td>
                <td class="muted">{ago(props.now - s.lastActivity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TeacherPage(props: { token: string; children?: Child }) {
  return (
    <Layout title="Saga workshop · teacher" script="teacher.js">
      <header class="top">
        <div class="brand">
          <h1>Saga workshop · teacher</h1>
          <p class="tagline">every session on this server, live; click one to open its dashboard</p>
        </div>
        <span
          id="live"
          class="live"
          data-state="connecting"
          data-stream-url={`/teacher/stream?token=${encodeURIComponent(props.token)}`}
          hx-swap="none"
        >
          connecting…
        </span>
      </header>
      <main class="teacher-main">{props.children}</main>
    </Layout>
  );
}
