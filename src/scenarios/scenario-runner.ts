import type { z } from "zod";
import type { ScheduledDelivery } from "../bus/schedule";
import type { Violation } from "../consistency/invariants";
import { ORDER_TIMEOUT_REACTION } from "../modules/orders";
import { SimulatedCrashError } from "../modules/orders/orders.bugs";
import { type PlaceOrderInput, placeOrderBodySchema } from "../modules/orders/orders.schemas";
import type { SessionSettings, SettingsPatch } from "../modules/session-settings";
import { InvalidStateError } from "../platform/errors";
import type { Scenario, ScenarioStep } from "./scenarios";

/** An order as a scenario places it: the body of `POST /orders`. */
export type PlaceOrderBody = z.input<typeof placeOrderBodySchema>;

/** At most this many deliveries in one run: a scenario places at most two orders, whose sagas take a few dozen. */
export const MAX_DELIVERIES_PER_RUN = 200;

/** What the runner needs of the server, injected by the composition root. */
export interface ScenarioPorts {
  wipeSession: (sessionId: string) => Promise<unknown>;
  seedCatalog: (sessionId: string) => unknown;
  settingsOf: (sessionId: string) => SessionSettings;
  changeSettings: (sessionId: string, patch: SettingsPatch) => unknown;
  placeOrder: (sessionId: string, input: PlaceOrderInput) => Promise<unknown>;
  /** The relay's round: hands the events just committed to their reactions' schedule (held, in step mode). */
  runDue: () => unknown;
  scheduled: (sessionId: string, limit: number) => ScheduledDelivery[];
  deliver: (sessionId: string, id: number) => unknown;
  /** Hands the session's first event of `type` to its reactions again; false when there is none. */
  redeliverFirst: (sessionId: string, type: string) => boolean;
  /** The session's ORDER_CREATED events' order ids, oldest first. */
  placedOrderIds: (sessionId: string) => string[];
  orderStatus: (sessionId: string, orderId: string) => string | null;
  violations: (sessionId: string) => Promise<Violation[]>;
}

export interface ScenarioRun {
  name: string;
  /** Every order the run placed, by its ORDER_CREATED; status null for one that never existed (the dual write's orphan). */
  orders: { id: string; status: string | null }[];
  violations: Violation[];
}

/**
 * Runs one scenario in a session: wipes the session (a run always starts from the same empty
 * books, so the same run gives the same events), seeds the default catalog, sets the scenario's
 * switches with step mode on, places its orders, steps the bus through its interleaving, and
 * answers the session's violations once nothing but the orders' deadlines is left. No sleep:
 * held deliveries are run by hand, so it works the same with the real clock. Step mode is
 * put back as it was before the run; the switches stay on, for the dashboard to show.
 */
export function scenarioRunner(ports: ScenarioPorts) {
  const running = new Set<string>();

  function deliverHeld(sessionId: string, pick: (held: ScheduledDelivery[]) => ScheduledDelivery | undefined, what: string) {
    const held = ports.scheduled(sessionId, MAX_DELIVERIES_PER_RUN);
    const chosen = pick(held);
    if (!chosen) throw new Error(`Scenario step: no held delivery for ${what}; held: ${held.map((d) => d.reaction).join(", ")}`);
    ports.deliver(sessionId, chosen.id);
    ports.runDue();
  }

  /** Every held delivery but the deadlines, next due first, until none is left. */
  function drain(sessionId: string, budget: { left: number }) {
    const notDeadline = (held: ScheduledDelivery[]) => held.find((d) => d.reaction !== ORDER_TIMEOUT_REACTION);
    while (notDeadline(ports.scheduled(sessionId, MAX_DELIVERIES_PER_RUN))) {
      if (--budget.left < 0) throw new Error(`Scenario step: more than ${MAX_DELIVERIES_PER_RUN} deliveries`);
      deliverHeld(sessionId, notDeadline, "drain");
    }
  }

  function perform(sessionId: string, step: ScenarioStep, budget: { left: number }) {
    if (step.do === "drain") return drain(sessionId, budget);
    budget.left--;
    if (step.do === "deliver") return deliverHeld(sessionId, (held) => held.find((d) => d.reaction === step.reaction), step.reaction);
    if (!ports.redeliverFirst(sessionId, step.eventType)) throw new Error(`Scenario step: no ${step.eventType} to redeliver`);
    ports.runDue();
  }

  return async function run(sessionId: string, scenario: Scenario): Promise<ScenarioRun> {
    if (running.has(sessionId)) throw new InvalidStateError("A scenario is already running in this session");
    running.add(sessionId);
    const stepMode = ports.settingsOf(sessionId).stepMode;
    try {
      await ports.wipeSession(sessionId);
      ports.seedCatalog(sessionId);
      const crashBetweenWritesRate = scenario.crashBetweenWritesRate ?? 0;
      ports.changeSettings(sessionId, { bugs: scenario.switches, stepMode: true, crashBetweenWritesRate });
      for (const body of scenario.orders) {
        const input = placeOrderBodySchema.parse({ ...body, skipDemoDelays: true, sagaStyle: "choreography" });
        try {
          await ports.placeOrder(sessionId, input);
        } catch (error) {
          // The dual write's crash is the scenario's point: its event is out, its order is not.
          if (!(error instanceof SimulatedCrashError)) throw error;
        }
      }
      ports.runDue();
      const budget = { left: MAX_DELIVERIES_PER_RUN };
      for (const step of scenario.steps) perform(sessionId, step, budget);
      if (crashBetweenWritesRate !== 0) ports.changeSettings(sessionId, { crashBetweenWritesRate: 0 });
      const orders = ports.placedOrderIds(sessionId).map((id) => ({ id, status: ports.orderStatus(sessionId, id) }));
      return { name: scenario.name, orders, violations: await ports.violations(sessionId) };
    } finally {
      ports.changeSettings(sessionId, { stepMode });
      running.delete(sessionId);
    }
  };
}
