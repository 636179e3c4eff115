import { join } from "node:path";
import type { Bus } from "../bus/bus";
import type { Steering } from "../bus/steering";
import type { Violation } from "../consistency/invariants";
import { type BugSwitch, bugDescriptions, bugSwitches } from "../modules/bugs";
import type { SagaPayload } from "../modules/events";
import { type ScenarioPorts, scenarioRunner } from "./scenario-runner";
import { type Scenario, scenarios } from "./scenarios";
import { type ScenarioJson, scenarioCatalog, scenariosRoutes } from "./scenarios.routes";
import { type Excerpt, readExcerpt } from "./source-excerpt";

export type { ScenarioJson } from "./scenarios.routes";

/** Each switch's bug variant and the correct code it replaces, as the files hold them. */
export type SwitchCode = Record<BugSwitch, { bug: Excerpt; fix: Excerpt }>;

/** What "Break it" shows of the code: the scenarios, each with its excerpts, and every switch's. */
export interface BreakItCode {
  scenarios: readonly ScenarioJson[];
  switches: SwitchCode;
}

/** The repository's root: the excerpts' files are named from it. */
const repositoryRoot = join(import.meta.dir, "..", "..");

/** At most this many of a session's events are read for the orders a run placed (a run makes a few dozen). */
const EVENTS_READ = 1_000;

export interface ScenarioParts extends Omit<ScenarioPorts, "scheduled" | "deliver" | "redeliverFirst" | "placedOrderIds" | "violations"> {
  bus: Bus<SagaPayload>;
  steering: Steering<SagaPayload>;
  checkConsistency: (sessionId: string) => Promise<{ violations: Violation[] }>;
}

/**
 * "Break it"'s scenarios: their catalog and every switch's code, each excerpt read from its file
 * now, at start-up (a declaration that is gone stops the server, naming it), and their routes.
 */
export function scenariosFeature(parts: ScenarioParts) {
  const { bus, steering, checkConsistency, ...rest } = parts;
  const eventsOf = (sessionId: string) => bus.log.sessionEvents(sessionId, 0, EVENTS_READ);
  const run = scenarioRunner({
    ...rest,
    scheduled: (sessionId, limit) => steering.scheduled(sessionId, limit),
    deliver: (sessionId, id) => steering.deliver(sessionId, id),
    redeliverFirst: (sessionId, type) => {
      const event = eventsOf(sessionId).find((e) => e.type === type);
      if (event) steering.redeliver(event);
      return event !== undefined;
    },
    placedOrderIds: (sessionId) => eventsOf(sessionId).flatMap((e) => (e.type === "ORDER_CREATED" ? [e.orderId] : [])),
    violations: async (sessionId) => (await checkConsistency(sessionId)).violations,
  });
  const read = (ref: Scenario["bug"]) => readExcerpt(repositoryRoot, ref);
  const catalog = scenarioCatalog(scenarios, read);
  const switches = Object.fromEntries(
    bugSwitches.map((name) => [name, { bug: read(bugDescriptions[name].code.bug), fix: read(bugDescriptions[name].code.fix) }]),
  ) as SwitchCode;
  const code: BreakItCode = { scenarios: catalog, switches };
  return {
    code,
    routes: scenariosRoutes(scenarios, catalog, run),
    /** The scenarios' names, and a run by name (the teacher's broadcast runs one in every session). */
    names: scenarios.map((s) => s.name),
    runNamed: (sessionId: string, name: string) => {
      const scenario = scenarios.find((s) => s.name === name);
      if (!scenario) throw new Error(`no scenario named ${name}`);
      return run(sessionId, scenario);
    },
  };
}
