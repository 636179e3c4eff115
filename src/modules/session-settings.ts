import { z } from "zod";

/**
 * The teacher's knobs, per session (`GET`/`PATCH /settings`). Part of the words every module
 * shares: inventory and payments read their demo delays from them, and the relay its step
 * mode. Each is read when a delivery is scheduled or run, so a change applies at once.
 */
export const sessionSettingsSchema = z.object({
  /** Demo delay before inventory reacts to an order (an order with skipDemoDelays ignores it). */
  inventoryDelayMs: z.number().int().min(0).max(60_000),
  /** Demo delay before payment charges a reservation. */
  paymentDelayMs: z.number().int().min(0).max(60_000),
  /** When true, no delivery of this session runs until it is stepped or delivered by hand. */
  stepMode: z.boolean(),
});
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/** `PATCH /settings`: any subset; an unknown key or an out-of-range value is a 400. */
export const settingsPatchSchema = sessionSettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** What modules read: a session's settings now. */
export interface SettingsReader {
  of(sessionId: string): SessionSettings;
}
