import { z } from "zod";
import { type SettingsPatch, settingsPatchSchema } from "../modules/session-settings";
import { AppError } from "../platform/errors";

/**
 * `POST /teacher/broadcast`: a settings patch (as `PATCH /settings` takes it) and/or a scenario,
 * for every session on the overview. A scenario run wipes each session first, so it needs
 * `"confirm": true`; anything else wrong is a 400 before any session is touched.
 */
export function broadcastSchema(scenarioNames: readonly string[]) {
  return z
    .strictObject({
      settings: settingsPatchSchema.optional(),
      scenario: z.enum(scenarioNames as [string, ...string[]]).optional(),
      confirm: z.boolean().optional(),
    })
    .refine((b) => b.settings !== undefined || b.scenario !== undefined, { message: "give settings, a scenario, or both" })
    .refine((b) => b.scenario === undefined || b.confirm === true, {
      message: 'a scenario run wipes every session first: send "confirm": true',
      path: ["confirm"],
    })
    .meta({ id: "Broadcast", example: { settings: { paymentFailureRate: 0.3 } } });
}
export type Broadcast = z.infer<ReturnType<typeof broadcastSchema>>;

export const broadcastAnswerSchema = z
  .object({
    sessions: z.array(z.string()).describe("Every session touched"),
    failed: z
      .array(z.object({ sessionId: z.string(), code: z.string(), error: z.string() }))
      .describe("Sessions whose scenario run was refused"),
  })
  .meta({ id: "BroadcastAnswer" });
export type BroadcastAnswer = z.infer<typeof broadcastAnswerSchema>;

export interface BroadcastPorts {
  /** The sessions on the teacher's overview. */
  sessions: () => Promise<readonly string[]>;
  changeSettings: (sessionId: string, patch: SettingsPatch) => unknown;
  runScenario: (sessionId: string, name: string) => Promise<unknown>;
}

/**
 * Applies a validated broadcast to each session in turn: its settings, then its scenario. A
 * scenario refused in one session (one already running there) is reported, and the others
 * still run.
 */
export async function broadcast(ports: BroadcastPorts, order: Broadcast): Promise<BroadcastAnswer> {
  const sessions = await ports.sessions();
  const failed: BroadcastAnswer["failed"] = [];
  for (const sessionId of sessions) {
    if (order.settings !== undefined) ports.changeSettings(sessionId, order.settings);
    if (order.scenario === undefined) continue;
    try {
      await ports.runScenario(sessionId, order.scenario);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failed.push({ sessionId, code: error.code, error: error.message });
    }
  }
  return { sessions: [...sessions], failed };
}
