import type { Child } from "hono/jsx";

export interface PanelProps {
  id: string;
  title: string;
  /** The fragment URL this panel re-fetches itself from. */
  path: string;
  /** htmx trigger: the bus events (via the page's one SSE connection) that make it stale. */
  trigger: string;
  /** Rendered as an out-of-band swap inside another fragment's response. */
  oob?: boolean;
  class?: string;
  hint?: Child;
  actions?: Child;
  children?: Child;
}

/**
 * Every panel is one self-describing element: it carries its own fragment URL and triggers,
 * so a fragment response replaces it whole (outerHTML) and the full page is just the panels.
 * A newer trigger aborts the request still in flight (`hx-sync="this:replace"`), so the
 * refresh for the last event always lands and a panel never ends on an older state. (htmx's
 * default queue kept the next request on the element the running one replaced, and a request
 * of a detached element is never swapped in: the panel went stale.)
 */
export function Panel(props: PanelProps) {
  return (
    <section
      id={props.id}
      class={`panel ${props.class ?? ""}`}
      hx-get={props.path}
      hx-trigger={props.trigger}
      hx-swap="outerHTML"
      hx-sync="this:replace"
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.actions ? <div class="panel-actions">{props.actions}</div> : null}
      </header>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <div class="panel-body">{props.children}</div>
    </section>
  );
}
