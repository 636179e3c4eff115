import type { SessionChange, SessionChanges } from "../modules/module-deps";

export type SessionChangeListener = (sessionId: string, change: SessionChange) => void;

/**
 * Seeds and resets change a session without an event on the bus; this tells the session's open
 * event streams, so every screen refreshes what changed. In memory only, like the bus's own
 * announcements: a screen that reconnects reloads its panels anyway.
 */
export class SessionChangeFeed implements SessionChanges {
  private readonly listeners = new Set<SessionChangeListener>();

  announce(sessionId: string, change: SessionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(sessionId, change);
      } catch (error) {
        console.error("session change listener failed", error);
      }
    }
  }

  listen(listener: SessionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
