import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/**
 * htmx 4 reads its configuration from this meta tag. Only our two extensions may register;
 * `mode: same-origin` makes every htmx fetch refuse another origin. htmx 4 has no
 * allowEval / allowScriptTags switches: the `lockdown` extension (public/lockdown.js) takes
 * away its Function constructors and script insertion, and the CSP forbids both anyway.
 */
/**
 * `defaultSettleDelay: 0`: a swapped-in panel listens for its live events only once htmx has
 * processed it, after the settle delay. That delay is a timer, and on a busy page a 1 ms timer
 * fired hundreds of ms late: the events that came meanwhile were lost, and the panel stayed on
 * its old state (the bus panel missed a scheduled payment). Without a delay the panel is
 * inserted and processed in one go, and no event can come in between. (No CSS transition here
 * needs the settle step.)
 */
const htmxConfig = JSON.stringify({ extensions: "sse,lockdown", mode: "same-origin", history: false, defaultSettleDelay: 0 });

/** `script`: the page's own script from /assets (the dashboard's, or the teacher overview's). */
/** `rootClass`: a class on `<html>`, for a page whose rem is not the dashboard's (the stage view's). */
export function Layout(props: { title: string; script?: "dashboard.js" | "teacher.js"; rootClass?: string; children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en" class={props.rootClass}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          <title>{props.title}</title>
          <link rel="stylesheet" href="/assets/dashboard.css" />
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
          <script src="/assets/htmx.js"></script>
          <script src="/assets/hx-sse.js"></script>
          <script src="/assets/lockdown.js"></script>
          <script src="/assets/stored-session.js"></script>
          <script src={`/assets/${props.script ?? "dashboard.js"}`}></script>
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}
