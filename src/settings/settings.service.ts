import type { Steering } from "../bus/steering";
import type { SagaPayload } from "../modules/events";
import type { SessionChanges } from "../modules/module-deps";
import type { SessionSettings, SettingsPatch } from "../modules/session-settings";
import type { SettingsStore } from "./settings.store";

/** What the settings routes ask of the settings; the routes depend on this, not the other way round. */
export interface SettingsService {
  of(sessionId: string): SessionSettings;
  /** Applies the patch and everything that follows from it (releasing held deliveries, telling open screens). */
  change(sessionId: string, patch: SettingsPatch): SessionSettings;
  /** Puts every knob back to a new session's default, with what follows from it as for a change. */
  reset(sessionId: string): SessionSettings;
}

/**
 * A settings change and what follows from it: step mode on holds what the session has
 * scheduled, off releases it in due order, and every open screen of the session hears of it.
 */
export function settingsService(
  store: SettingsStore,
  steering: Pick<Steering<SagaPayload>, "hold" | "release">,
  changes: SessionChanges,
): SettingsService {
  // Every way the settings change goes through here: step mode held or released, screens told.
  const applied = (sessionId: string, write: () => SessionSettings) => {
    const before = store.of(sessionId);
    const after = write();
    if (after.stepMode && !before.stepMode) steering.hold(sessionId);
    if (!after.stepMode && before.stepMode) steering.release(sessionId);
    changes.announce(sessionId, "SETTINGS_CHANGED");
    return after;
  };
  return {
    of: (sessionId) => store.of(sessionId),
    change: (sessionId, patch) => applied(sessionId, () => store.update(sessionId, patch)),
    reset: (sessionId) => applied(sessionId, () => store.reset(sessionId)),
  };
}
