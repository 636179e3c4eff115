import { Hono } from "hono";
import { type SessionSettings, type SettingsPatch, settingsPatchSchema } from "../modules/session-settings";
import { type SessionEnv, requireSession } from "../platform/session";
import { validJson } from "../platform/validation";

export interface SettingsService {
  of(sessionId: string): SessionSettings;
  /** Applies the patch and everything that follows from it (releasing held deliveries, telling open screens). */
  change(sessionId: string, patch: SettingsPatch): SessionSettings;
}

/** `GET /settings` → the session's settings; `PATCH /settings` with any subset → the new settings. */
export function settingsRoutes(settings: SettingsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get("/", (c) => c.json(settings.of(c.var.sessionId)))
    .patch("/", validJson(settingsPatchSchema), (c) => c.json(settings.change(c.var.sessionId, c.req.valid("json"))));
}
