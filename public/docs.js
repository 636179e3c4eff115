// The API reference (/docs): Swagger UI over /openapi.json, served by this process (no CDN).
// A ?session= in the page's address is put in the x-session-id header of every "Try it out";
// without one, the session the dashboard keeps in this browser (public/dashboard.js), so /docs
// opened from a bookmark or typed by hand tries things in the session the dashboard shows.
const DASHBOARD_SESSION_KEY = "saga-dashboard-session";
const SESSION_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

function dashboardSession() {
  try {
    const id = localStorage.getItem(DASHBOARD_SESSION_KEY);
    return id && SESSION_PATTERN.test(id) ? id : null;
  } catch {
    // Storage refused (private mode): Authorize still takes a session by hand.
    return null;
  }
}

window.addEventListener("DOMContentLoaded", () => {
  const session = new URLSearchParams(window.location.search).get("session") || dashboardSession();
  const ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: true,
    // The default validator is a public web service: a workshop's wifi must not be needed.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    onComplete: () => {
      if (session) ui.preauthorizeApiKey("session", session);
    },
  });
  window.ui = ui;
});
