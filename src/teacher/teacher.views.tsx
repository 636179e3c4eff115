import type { Child } from "hono/jsx";
import { Layout } from "../web/layout";
import { type OverviewRow, roomTotals } from "./overview";
import type { OverviewSnapshot } from "./overview-cache";

const ago = (ms: number) => (ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s ago` : `${Math.round(ms / 60_000)} min ago`);

/** A session's row: as last checked (with when, on hover), or its activity alone until its first check. */
function SessionRow({ row, name, now }: { row: OverviewRow; name: string | undefined; now: number }) {
  // The name is the attendee's own text: JSX escapes it like any other text.
  const link = (
    <td>
      <a href={`/?session=${encodeURIComponent(row.sessionId)}`} target="_blank" rel="noopener noreferrer">
        {name === undefined ? null : <strong class="session-name">{name} </strong>}
        <code>{row.sessionId}</code>
      </a>
    </td>
  );
  if (row.checkedAt === null) {
    return (
      <tr data-session={row.sessionId} data-consistent="unknown">
        {link}
        <td class="muted" colspan={7}>
          checking…
        </td>
        <td class="muted">{ago(now - row.lastActivity)}</td>
      </tr>
    );
  }
  return (
    <tr
      data-session={row.sessionId}
      data-consistent={String(row.consistent)}
      data-bugs={row.bugs.length > 0 ? row.bugs.join(",") : undefined}
    >
      {link}
      <td class="num">{row.orders}</td>
      <td class="num">{row.completed}</td>
      <td class="num">{row.cancelled}</td>
      <td class="num">{row.running}</td>
      <td class={`num${row.stuck > 0 ? " dead" : ""}`}>{row.stuck}</td>
      <td class={`num${row.deadLetters > 0 ? " dead" : ""}`}>{row.deadLetters}</td>
      <td>
        {row.consistent ? (
          <span class="badge badge-completed">consistent</span>
        ) : (
          <span class="badge badge-cancelled">{row.violations} violations</span>
        )}
        {row.bugs.length > 0 ? (
          <>
            {" "}
            <span
              class="badge badge-pending bugs-on"
              title="Bugs switched on in this session's Break it panel: its violations may be on purpose"
            >
              ⚠ bugs: {row.bugs.join(", ")}
            </span>
          </>
        ) : null}
      </td>
      <td class="muted" title={`checked ${ago(now - row.checkedAt)}`}>
        {ago(now - row.lastActivity)}
      </td>
    </tr>
  );
}

/** The room's sums over the rows shown: what the class did, in one line. */
function RoomTotalsLine({ rows }: { rows: readonly OverviewRow[] }) {
  const totals = roomTotals(rows);
  return (
    <p class="room-totals" data-room-totals={JSON.stringify(totals)}>
      <strong>Room:</strong> {totals.sessions} sessions · orders {totals.completed} completed, {totals.cancelled} cancelled,{" "}
      {totals.running} running · {totals.violations} violations
      {totals.notYetChecked > 0 ? <span class="muted"> ({totals.notYetChecked} sessions not checked yet)</span> : null}
    </p>
  );
}

/** The most recently active sessions, in a stable order (by name, then id), as of the overview's last computation (its age shown); each row opens that session's dashboard. */
export function SessionsTable(props: { overview: OverviewSnapshot; now: number; token: string }) {
  const path = `/teacher/sessions?token=${encodeURIComponent(props.token)}`;
  const sessions = props.overview.rows;
  // Rows are checked again only when their session changed, a few per computation: say how old the oldest is.
  const checkedAts = sessions.flatMap((row) => (row.checkedAt === null ? [] : [row.checkedAt]));
  const oldest = checkedAts.length === 0 ? undefined : Math.min(...checkedAts);
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
        <span class="muted" data-session-count={String(sessions.length)}>
          {sessions.length} active
        </span>
        <span class="muted" data-age-ms={String(props.now - props.overview.computedAt)}>
          as of {ago(props.now - props.overview.computedAt)}
          {oldest === undefined ? "" : `; oldest row checked ${ago(props.now - oldest)}`}
        </span>
      </header>
      <RoomTotalsLine rows={sessions} />
      {sessions.length === 0 ? (
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
            {sessions.map((row) => (
              <SessionRow row={row} name={props.overview.names.get(row.sessionId)} now={props.now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Settings and/or a scenario for every session listed: public/teacher.js asks first (a scenario
 * wipes each session), then posts it as JSON to `POST /teacher/broadcast` and shows the answer.
 */
function BroadcastForm(props: { token: string; scenarioNames: readonly string[] }) {
  return (
    <section class="panel" id="broadcast-panel">
      <header class="panel-head">
        <h2>Every session at once</h2>
      </header>
      <form id="broadcast-form" data-url={`/teacher/broadcast?token=${encodeURIComponent(props.token)}`}>
        <label>
          Settings (as PATCH /settings takes them, JSON; optional){" "}
          <textarea name="settings" rows={2} cols={50} placeholder='{"paymentFailureRate": 0.3}' spellcheck={false} />
        </label>{" "}
        <label>
          Scenario (wipes each session first; optional){" "}
          <select name="scenario">
            <option value="">none</option>
            {props.scenarioNames.map((name) => (
              <option value={name}>{name}</option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" class="button">
          Apply to every session
        </button>
        <output id="broadcast-result" class="muted" />
      </form>
    </section>
  );
}

export function TeacherPage(props: { token: string; scenarioNames: readonly string[]; children?: Child }) {
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
      <main class="teacher-main">
        {props.children}
        <BroadcastForm token={props.token} scenarioNames={props.scenarioNames} />
      </main>
    </Layout>
  );
}
