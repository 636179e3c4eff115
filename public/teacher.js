// The teacher overview's own script: connects the page's one stream (its token is in the
// stream's URL) and shows whether it is live. The sessions table refreshes itself on each
// SESSIONS_CHANGED message (hx-trigger), at most once a second. It also sends the broadcast form.
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
  // "Every session at once": asks first, then POST /teacher/broadcast with the form as JSON.
  async function sendBroadcast(form) {
    const result = form.querySelector("#broadcast-result");
    const text = form.elements.settings.value.trim();
    const scenario = form.elements.scenario.value;
    const body = {};
    try {
      if (text !== "") body.settings = JSON.parse(text);
    } catch {
      result.textContent = "The settings are not valid JSON.";
      return;
    }
    if (scenario !== "") body.scenario = scenario;
    if (Object.keys(body).length === 0) {
      result.textContent = "Give settings, a scenario, or both.";
      return;
    }
    const rows = document.querySelectorAll("#sessions-panel tr[data-session]").length;
    const what = [body.settings ? "these settings" : "", scenario ? `the scenario ${scenario} (it wipes each session first)` : ""]
      .filter(Boolean)
      .join(" and ");
    if (!confirm(`Apply ${what} to every session listed (${rows})?`)) return;
    if (scenario !== "") body.confirm = true;
    result.textContent = "applying…";
    try {
      const response = await fetch(form.dataset.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json();
      result.textContent = response.ok
        ? `Applied to ${answer.sessions.length} sessions${answer.failed.length > 0 ? `; refused in ${answer.failed.map((f) => f.sessionId).join(", ")}` : ""}.`
        : `Refused: ${answer.error}`;
    } catch {
      result.textContent = "The server cannot be reached.";
    }
  }
  document.addEventListener("submit", (event) => {
    if (!(event.target instanceof HTMLFormElement) || event.target.id !== "broadcast-form") return;
    event.preventDefault();
    void sendBroadcast(event.target);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const live = document.getElementById("live");
    if (!live?.dataset.streamUrl) return;
    live.setAttribute("hx-sse:connect", live.dataset.streamUrl);
    htmx.process(live);
  });
})();
