import { Hono } from "hono";
import { sessionSettingsSchema, settingsPatchSchema } from "../modules/session-settings";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { validJson } from "../platform/validation";
import type { SettingsService } from "./settings.service";

/** `GET /settings` → the session's settings; `PATCH /settings` with any subset → the new settings; `DELETE /settings` → a new session's. */
export function settingsRoutes(settings: SettingsService) {
  return new Hono<SessionEnv>()
    .use(requireSession())
    .get(
      "/",
      docs({ tag: "settings", summary: "The session's knobs", answer: { description: "The settings", schema: sessionSettingsSchema } }),
      (c) => c.json(settings.of(c.var.sessionId)),
    )
    .patch(
      "/",
      docs({
        tag: "settings",
        summary: "Turn the session's knobs",
        description:
          "Any subset; an unknown key or an out-of-range value is a 400 and changes nothing. Each knob is read when a delivery is scheduled or run, so a change applies to orders already waiting.",
        answer: { description: "The new settings", schema: sessionSettingsSchema },
      }),
      ...validJson(settingsPatchSchema),
      (c) => c.json(settings.change(c.var.sessionId, c.req.valid("json"))),
    )
    .delete(
      "/",
      docs({
        tag: "settings",
        summary: "Reset the session's knobs",
        description:
          "Every knob back to a new session's default (the answer of `GET /settings` for a session that never changed one), Break it's switches off too. Step mode going off releases what it held; every open screen of the session is told.",
        answer: { description: "The settings after the reset", schema: sessionSettingsSchema },
      }),
      (c) => c.json(settings.reset(c.var.sessionId)),
    );
}
