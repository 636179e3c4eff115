// The dashboard's only script of its own (served from /assets, allowed by the CSP).
// It keeps the session (URL ?session= and localStorage), sends it as x-session-id on every
// htmx request, and shows whether the live stream is connected (public/lockdown.js locks htmx down).
(() => {
  "use strict";
  const { key: STORAGE_KEY, pattern: SESSION_PATTERN } = window.storedSession;
  // The last sessions this browser opened, newest first: a New session is never a lost one.
  const RECENT_KEY = "saga-dashboard-recent-sessions";
  const RECENT_KEPT = 5;

  function randomSessionId() {
    if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // crypto.randomUUID needs a secure context (localhost or https); a workshop on a LAN
    // address is not one, so build the same version-4 UUID from getRandomValues.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function recentSessions() {
    try {
      const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
      return Array.isArray(list) ? list.filter((id) => typeof id === "string" && SESSION_PATTERN.test(id)).slice(0, RECENT_KEPT) : [];
    } catch {
      return [];
    }
  }

  function remember(id) {
    try {
      localStorage.setItem(STORAGE_KEY, id);
      localStorage.setItem(RECENT_KEY, JSON.stringify([id, ...recentSessions().filter((known) => known !== id)].slice(0, RECENT_KEPT)));
    } catch {
      // Private mode without storage: the URL still carries the session.
    }
  }

  function open(id) {
    const url = new URL(location.href);
    url.search = "";
    url.searchParams.set("session", id);
    location.replace(url.toString());
  }

  /** Loads the default catalog into a session; answers whether it was loaded. */
  function seed(id) {
    return fetch("/inventory/seed", { method: "POST", headers: { "x-session-id": id } })
      .then((response) => response.text().then(() => response.ok))
      .catch(() => false);
  }

  // A new session gets the default catalog at once, so the first order can succeed.
  async function startNewSession() {
    const id = randomSessionId();
    remember(id);
    await seed(id);
    open(id);
  }

  /** The header's Recent sessions: the others this browser opened, each a link that reopens it. */
  function showRecentSessions() {
    const list = document.querySelector("#recent-sessions ul");
    if (!list) return;
    const others = recentSessions().filter((id) => id !== session);
    document.getElementById("recent-sessions").hidden = others.length === 0;
    list.replaceChildren(
      ...others.map((id) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = `/?session=${encodeURIComponent(id)}`;
        link.textContent = id;
        link.dataset.sessionId = id;
        item.append(link);
        return item;
      }),
    );
  }

  const fromUrl = new URLSearchParams(location.search).get("session");
  if (!fromUrl || !SESSION_PATTERN.test(fromUrl)) {
    const known = window.storedSession.read();
    if (known) open(known);
    else void startNewSession();
    return;
  }
  const session = fromUrl;
  remember(session);

  document.addEventListener("htmx:config:request", (event) => {
    event.detail.ctx.request.headers["x-session-id"] = session;
  });

  // Set by startLive() when this tab holds the session's stream for the whole browser.
  let shareState = null;
  function setLive(state, text) {
    const live = document.getElementById("live");
    if (!live) return;
    live.dataset.state = state;
    live.textContent = text;
    shareState?.({ kind: "state", state, text });
  }

  /** Opens the stream in this tab; `after` resumes after the last event this tab heard of. */
  function connectStream(live, after) {
    const url = new URL(live.dataset.streamUrl, location.href);
    if (after) url.searchParams.set("after", after);
    live.setAttribute("hx-sse:connect", url.pathname + url.search);
    htmx.process(live);
  }

  /**
   * A browser allows about six connections to one host, and each open stream holds one, so the
   * tabs of one browser share one stream: the tab holding a Web Lock named after the session
   * connects and passes every message on over a BroadcastChannel; the others dispatch those
   * messages on their own #live element, exactly as htmx would, so their panels refresh the same
   * way. When that tab closes, its lock passes to a waiting tab, which connects and resumes after
   * the last event it heard of. Without Web Locks (a page not served from localhost or https)
   * every tab connects on its own.
   */
  function startLive() {
    const live = document.getElementById("live");
    if (!live?.dataset.streamUrl) return;
    if (!navigator.locks || typeof BroadcastChannel !== "function") {
      connectStream(live, null);
      return;
    }
    const name = `saga-live:${session}`;
    const channel = new BroadcastChannel(name);
    let leading = false;
    let lastId = null;
    channel.onmessage = ({ data }) => {
      if (leading) {
        // A tab that just opened asks how the stream is doing.
        if (data.kind === "hello") channel.postMessage({ kind: "state", state: live.dataset.state, text: live.textContent });
        return;
      }
      if (data.kind === "message") {
        if (data.id) lastId = data.id;
        htmx.trigger(live, data.event, { data: data.data, id: data.id });
      } else if (data.kind === "state") {
        live.dataset.state = data.state;
        live.textContent = data.state === "open" ? "live (shared)" : data.text;
      }
    };
    channel.postMessage({ kind: "hello" });
    navigator.locks.request(name, () => {
      leading = true;
      shareState = (state) => channel.postMessage(state);
      live.addEventListener("htmx:sse:after:message", (event) => {
        const message = event.detail?.message;
        if (message?.event) channel.postMessage({ kind: "message", event: message.event, data: message.data, id: message.id });
      });
      connectStream(live, lastId);
      // Held for as long as this tab lives.
      return new Promise(() => {});
    });
  }
  // The server cannot replay what this page missed (its log is newer, or too much happened):
  // the page loads again, whole, from the current state.
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("live")?.addEventListener("RESYNC", () => location.reload());
  });
  document.addEventListener("htmx:sse:after:connection", () => setLive("open", "live"));
  document.addEventListener("htmx:sse:error", () => setLive("error", "reconnecting…"));
  document.addEventListener("htmx:sse:close", () => setLive("closed", "disconnected"));
  // The stream was refused (429 RATE_LIMITED: too many open streams for this session).
  document.addEventListener("htmx:response:error", (event) => {
    if (event.target?.id !== "live") return;
    const status = event.detail?.ctx?.response?.status;
    setLive("error", status === 429 ? "not live: too many open tabs (close one, then reload)" : `not live (${status ?? "error"})`);
  });

  // Highlights the order whose saga the timeline shows. Both panels are replaced whole by
  // their own refreshes, so this runs whenever a panel of the grid is swapped.
  function markSelectedOrder() {
    const selected = document.querySelector("#timeline-panel .timeline-order")?.getAttribute("data-order-id");
    for (const row of document.querySelectorAll("#orders-panel tr[data-order-id]")) {
      row.classList.toggle("is-selected", row.getAttribute("data-order-id") === selected);
    }
    keepPinInUrl(selected);
  }

  // A pinned order is in the URL (?order=, which GET / reads), so a reload or a link to a
  // mirror screen shows the same saga; following the newest again takes it out.
  function keepPinInUrl(selected) {
    const timeline = document.getElementById("timeline-panel");
    if (!timeline) return;
    const pinned = timeline.querySelector(".follow-toggle")?.getAttribute("data-following") === "false";
    const url = new URL(location.href);
    if (pinned && selected) url.searchParams.set("order", selected);
    else url.searchParams.delete("order");
    if (url.href !== location.href) history.replaceState(history.state, "", url.href);
  }

  // Countdowns (the bus panel's due times, the timeline's retries and next steps): the server
  // writes how far away each is when it renders (data-due-in, ms); counted down from the moment
  // this page first sees it, so a browser clock that differs from the server's does not matter.
  const deadlines = new WeakMap();
  function tickCountdowns() {
    const now = performance.now();
    for (const element of document.querySelectorAll("[data-due-in]")) {
      if (!deadlines.has(element)) deadlines.set(element, now + Number(element.getAttribute("data-due-in")));
      const left = deadlines.get(element) - now;
      const text = left <= 0 ? "due now" : `in ${(left / 1000).toFixed(1)} s`;
      if (element.textContent !== text) element.textContent = text;
    }
  }

  /**
   * The dashboard's tabs (role=tablist): a click or Enter/Space shows a tab's panel; the arrow
   * keys, Home and End move between the tabs (only the selected one is in the Tab order). The
   * hidden panel stays in the page, so its live refreshes go on while it is hidden.
   */
  function startTabs() {
    const tabs = Array.from(document.querySelectorAll('#dashboard-tabs [role="tab"]'));
    if (tabs.length === 0) return;
    const select = (chosen, focus) => {
      for (const tab of tabs) {
        const selected = tab === chosen;
        tab.setAttribute("aria-selected", String(selected));
        tab.tabIndex = selected ? 0 : -1;
        const panel = document.getElementById(tab.getAttribute("aria-controls"));
        if (panel) panel.hidden = !selected;
      }
      if (focus) chosen.focus();
    };
    for (const tab of tabs) {
      tab.addEventListener("click", () => select(tab, false));
      tab.addEventListener("keydown", (event) => {
        const i = tabs.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select(tabs[(next + tabs.length) % tabs.length], true);
      });
    }
  }

  // A rate knob shows its value as a percentage while it is dragged; the change posts on release.
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "range") return;
    const output = input.parentElement?.querySelector(`output[data-percent-of="${input.name}"]`);
    if (output) output.textContent = `${Math.round(Number(input.value) * 100)}%`;
  });

  // The knobs form posts the one knob that changed, a box as "on" or "off": the whole form, read
  // before Step mode was switched on the bus panel, would switch it back (the server reads a form
  // of changes: src/dashboard/dashboard.routes.tsx).
  document.addEventListener("htmx:config:request", (event) => {
    const { ctx } = event.detail;
    const knob = ctx.sourceEvent?.target;
    if (ctx.sourceElement.id !== "knobs-form" || !(knob instanceof HTMLInputElement || knob instanceof HTMLSelectElement) || !knob.name) return;
    const changed = new FormData();
    changed.set(knob.name, knob.type === "checkbox" ? (knob.checked ? "on" : "off") : knob.value);
    ctx.request.body = changed;
  });

  // The knobs panel never shows an older state over a newer change. While a change of this page
  // is still posting (its changes post in order: src/dashboard/views/knobs.tsx), an answer
  // rendered before it (an earlier change's, a live refresh's) is not swapped in: it would move
  // the knob back under the person's hand. Such an answer, and one that htmx drops because the
  // panel it was meant for has been replaced meanwhile, leaves the panel behind the session: once
  // no change is left to post, the panel is fetched once more.
  let knobChangesPosting = 0;
  let knobsPanelBehind = false;
  document.addEventListener("htmx:config:request", (event) => {
    const { ctx } = event.detail;
    if (ctx.sourceElement.id !== "knobs-form") return;
    ctx.knobChange = true;
    knobChangesPosting += 1;
  });
  document.addEventListener("htmx:before:swap", (event) => {
    const { ctx } = event.detail;
    if (ctx.target?.id !== "knobs-panel" || knobChangesPosting - (ctx.knobChange ? 1 : 0) === 0) return;
    event.preventDefault();
    knobsPanelBehind = true;
  });
  document.addEventListener("htmx:finally:request", (event) => {
    const { ctx } = event.detail;
    if (ctx.knobChange) knobChangesPosting -= 1;
    // Answered, not swapped: htmx keeps the status "issuing" when the target left the page.
    if (ctx.target?.id === "knobs-panel" && ctx.response && ctx.status === "issuing") knobsPanelBehind = true;
    if (knobChangesPosting > 0 || !knobsPanelBehind) return;
    knobsPanelBehind = false;
    Promise.resolve(htmx.ajax("GET", "/dashboard/knobs", { target: "#knobs-panel", swap: "outerHTML" })).catch(() => {});
  });

  // A refused knob (400: out of range, not a number) changed nothing, and htmx swaps nothing
  // for it (the alert says why): the panel is fetched again so every field shows the session's
  // real setting, not the value typed, which would look applied.
  document.addEventListener("htmx:response:error", (event) => {
    if (event.detail?.ctx?.sourceElement?.id !== "knobs-form") return;
    Promise.resolve(htmx.ajax("GET", "/dashboard/knobs", { target: "#knobs-panel", swap: "outerHTML" })).catch(() => {});
  });

  // Projector mode: larger text everywhere (public/dashboard.css, :root.projector), kept per browser.
  const PROJECTOR_KEY = "saga-dashboard-projector";
  function setProjector(on) {
    document.documentElement.classList.toggle("projector", on);
    document.getElementById("projector-toggle")?.setAttribute("aria-pressed", String(on));
    try {
      localStorage.setItem(PROJECTOR_KEY, on ? "on" : "off");
    } catch {
      // Storage refused (private mode): the mode lasts for this page only.
    }
  }

  // "Your name (optional)": filled with the stored name, saved (PATCH /session) when changed;
  // a blank field saves nothing. Never a prompt: the dashboard works the same unnamed.
  function startNameField() {
    const input = document.getElementById("session-name");
    if (!(input instanceof HTMLInputElement)) return;
    const headers = { "x-session-id": session, "content-type": "application/json" };
    fetch("/session", { headers })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        // Typed into meanwhile: the attendee's text wins.
        if (body && typeof body.name === "string" && input.value === "") input.value = body.name;
      })
      .catch(() => {});
    input.addEventListener("change", async () => {
      const name = input.value.trim();
      if (name === "") return;
      const answer = await fetch("/session", { method: "PATCH", headers, body: JSON.stringify({ name }) })
        .then(async (response) => ({ ok: response.ok, body: await response.json() }))
        .catch(() => null);
      input.setAttribute("aria-invalid", String(!answer?.ok));
      input.title = answer?.ok ? "Saved" : (answer?.body?.error ?? "Not saved: the server cannot be reached");
      if (answer?.ok) input.value = answer.body.name;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    // A session opened by its URL (?session=alice) that has no catalog yet (the page marks it)
    // gets the default one, as a new session does, then the page loads again with it. Seeded
    // here and not by the server on GET /: a GET writes nothing, so a link preview or a prefetch
    // of a dashboard URL never creates a session's rows. A refused seed reloads nothing (no loop).
    if (document.querySelector('.session[data-catalog="empty"]')) {
      void seed(session).then((seeded) => {
        if (seeded) location.reload();
      });
    }
    startLive();
    setInterval(tickCountdowns, 200);
    let projector = false;
    try {
      projector = localStorage.getItem(PROJECTOR_KEY) === "on";
    } catch {}
    setProjector(projector);
    document.getElementById("projector-toggle")?.addEventListener("click", () => {
      projector = !projector;
      setProjector(projector);
    });
    // Panels sit in the tabs (and the timeline in the diagram slot): watch every level below main.
    const main = document.querySelector("main");
    if (main) new MutationObserver(markSelectedOrder).observe(main, { childList: true, subtree: true });
    markSelectedOrder();
    startTabs();
    const newSession = document.getElementById("new-session");
    newSession?.addEventListener("click", () => {
      if (confirm(newSession.dataset.confirm)) void startNewSession();
    });
    showRecentSessions();
    startNameField();
    const copy = document.getElementById("copy-session");
    copy?.addEventListener("click", async () => {
      const text = copy.dataset.copy ?? session;
      try {
        await navigator.clipboard.writeText(text);
        copy.textContent = "Copied";
      } catch {
        // No clipboard outside a secure context: select the id so Ctrl-C copies it.
        const range = document.createRange();
        range.selectNodeContents(document.getElementById("session-id"));
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
        copy.textContent = "Press Ctrl-C";
      }
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    });
  });
})();

// The history scrubber (src/dashboard/views/history-scrubber.tsx): every version is on the page,
// and the range input shows one. A live refresh brings a new version: a person holding an older
// one keeps it (if it still exists), and one at the latest moves on with the order; focus stays
// on the input, so the arrow keys keep working through the refresh.
(() => {
  /** The version chosen per order, while it is not the latest. */
  const chosen = new Map();
  let scrubberFocused = false;

  function show(scrubber, input) {
    for (const version of scrubber.querySelectorAll(".history-version")) {
      const on = version.dataset.version === input.value;
      version.hidden = !on;
      if (on) {
        input.setAttribute("aria-valuetext", version.dataset.words ?? "");
        version.setAttribute("aria-current", "true");
      } else version.removeAttribute("aria-current");
    }
  }

  function setUp() {
    for (const scrubber of document.querySelectorAll(".history-scrubber")) {
      const input = scrubber.querySelector(".history-input");
      if (!(input instanceof HTMLInputElement) || input.dataset.ready) continue;
      input.dataset.ready = "true";
      input.hidden = false;
      scrubber.classList.add("history-scripted");
      const orderId = scrubber.dataset.orderId;
      const kept = chosen.get(orderId);
      if (kept !== undefined && scrubber.querySelector(`.history-version[data-version="${kept}"]`)) input.value = kept;
      show(scrubber, input);
      input.addEventListener("input", () => {
        if (input.value === scrubber.dataset.latest) chosen.delete(orderId);
        else chosen.set(orderId, input.value);
        show(scrubber, input);
      });
      if (scrubberFocused) input.focus();
    }
    scrubberFocused = false;
  }

  document.addEventListener("htmx:before:swap", () => {
    scrubberFocused = document.activeElement?.classList.contains("history-input") ?? false;
  });
  document.addEventListener("htmx:after:swap", setUp);
  document.addEventListener("DOMContentLoaded", setUp);
})();
