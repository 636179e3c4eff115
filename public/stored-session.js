// The session this browser keeps for the dashboard (localStorage), read by the dashboard's script
// (public/dashboard.js) and by the API reference's (public/docs.js): one key, one pattern, one reader.
window.storedSession = Object.freeze({
  key: "saga-dashboard-session",
  pattern: /^[A-Za-z0-9._:-]{1,64}$/,
  /** The stored session id, or null (none, not a valid id, or storage refused in private mode). */
  read() {
    try {
      const id = localStorage.getItem(this.key);
      return id && this.pattern.test(id) ? id : null;
    } catch {
      return null;
    }
  },
});
