import { Hono } from "hono";
import { z } from "zod";
import { consistencyReportSchema } from "../consistency/invariants";
import { bugSwitchSchema } from "../modules/bugs";
import { NotFoundError } from "../platform/errors";
import { docs } from "../platform/openapi";
import { requireSession, type SessionEnv } from "../platform/session";
import { validate } from "../platform/validation";
import type { ScenarioRun } from "./scenario-runner";
import type { Scenario } from "./scenarios";
import type { Excerpt } from "./source-excerpt";

const excerptSchema = z.object({
  file: z.string().describe("The file of this repository the lines are read from, at start-up"),
  excerpt: z.string().describe("The declaration's lines, as the file holds them (at most 4 KiB)"),
});

export const scenarioSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    switches: z.array(bugSwitchSchema).describe("The `bugs` a run turns on; empty for an anomaly the correct code handles"),
    description: z.string(),
    bug: excerptSchema.describe("The bug variant, or (no switch) the step where the anomaly arises"),
    fix: excerptSchema.describe("Its correct twin, or (no switch) the product's countermeasure"),
  })
  .meta({ id: "Scenario" });
export type ScenarioJson = z.infer<typeof scenarioSchema>;

export const scenarioRunSchema = z
  .object({
    name: z.string(),
    orders: z.array(z.object({ id: z.string(), status: z.string().nullable().describe("null: the order never existed") })),
    violations: consistencyReportSchema.shape.violations,
  })
  .meta({ id: "ScenarioRun" });

const nameParam = z.object({ name: z.string().min(1).max(100) });

/** The scenarios as clients see them: each with its two excerpts, read once. */
export function scenarioCatalog(list: readonly Scenario[], read: (ref: Scenario["bug"]) => Excerpt): ScenarioJson[] {
  return list.map(({ name, title, switches, description, bug, fix }) => ({
    name,
    title,
    switches,
    description,
    bug: read(bug),
    fix: read(fix),
  }));
}

/**
 * "Break it": `GET /scenarios` lists the scenarios with the code they are about;
 * `POST /scenarios/:name/run` runs one in the caller's session (scenario-runner.ts).
 */
export function scenariosRoutes(
  list: readonly Scenario[],
  catalog: readonly ScenarioJson[],
  run: (sessionId: string, scenario: Scenario) => Promise<ScenarioRun>,
) {
  return new Hono<SessionEnv>()
    .get(
      "/",
      docs({
        tag: "scenarios",
        summary: "The Break it scenarios",
        description: "Each scenario's switches, what it shows, and the lines of this repository's code that differ.",
        answer: { description: "Scenarios", schema: z.array(scenarioSchema) },
        session: false,
      }),
      (c) => c.json(catalog),
    )
    .post(
      "/:name/run",
      requireSession(),
      docs({
        tag: "scenarios",
        summary: "Runs one scenario in the session",
        description:
          "Wipes the session (as DELETE /session does), seeds the default catalog, turns the scenario's switches on, places its orders and steps the bus through one fixed interleaving; answers when nothing but the orders' deadlines is left. Step mode is put back as it was; the switches stay on.",
        answer: { description: "The run: its orders and the session's violations", schema: scenarioRunSchema },
        errors: ["NOT_FOUND", "INVALID_STATE"],
      }),
      validate("param", nameParam),
      async (c) => {
        const { name } = c.req.valid("param");
        const scenario = list.find((s) => s.name === name);
        if (!scenario) throw new NotFoundError(`Scenario ${name}`);
        return c.json(await run(c.var.sessionId, scenario));
      },
    );
}
