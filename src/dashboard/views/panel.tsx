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
 */
export function Panel(props: PanelProps) {
  return (
    <section
      id={props.id}
      class={`panel ${props.class ?? ""}`}
      hx-get={props.path}
      hx-trigger={props.trigger}
      hx-swap="outerHTML"
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
