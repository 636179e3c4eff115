// The teacher overview's own script: connects the page's one stream (its token is in the
// stream's URL) and shows whether it is live. The sessions table refreshes itself on each
// SESSIONS_CHANGED message (hx-trigger), at most once a second.
(() => {
  "use strict";
  function setLive(state, text) {
    const live = document.getElementById("live");
    if (!live) return;
    live.dataset.state = state;
    live.textContent = text;
  }
  document.addEventListener("htmx:sse:after:connection", () => setLive("open", "live"));
  document.addEventListener("htmx:sse:error", () => setLive("error", "reconnecting…"));
  document.addEventListener("htmx:sse:close", () => setLive("closed", "disconnected"));
  document.addEventListener("DOMContentLoaded", () => {
    const live = document.getElementById("live");
    if (!live?.dataset.streamUrl) return;
    live.setAttribute("hx-sse:connect", live.dataset.streamUrl);
    htmx.process(live);
  });
})();
