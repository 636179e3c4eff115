// The API reference (/docs): Swagger UI over /openapi.json, served by this process (no CDN).
// A ?session= in the page's address is put in the x-session-id header of every "Try it out";
// without one, the session the dashboard keeps in this browser (public/stored-session.js), so /docs
// opened from a bookmark or typed by hand tries things in the session the dashboard shows.
window.addEventListener("DOMContentLoaded", () => {
  const session = new URLSearchParams(window.location.search).get("session") || window.storedSession.read();
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
