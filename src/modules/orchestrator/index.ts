/**
 * The orchestrator (seed 003's order fulfillment saga): owns `orchestrated_sagas`, the saga log.
 * For an order placed with `sagaStyle: "orchestration"` it sends one command at a time to one
 * participant (RESERVE_INVENTORY, PROCESS_PAYMENT, CONFIRM_RESERVATION, then COMPLETE_ORDER to
 * orders) and moves on the participant's reply; on a failure or a cancel it sends the
 * compensations of the steps done in reverse (REFUND_PAYMENT, RELEASE_INVENTORY), then
 * CANCEL_ORDER. The steps are data (orchestrator.steps.ts); the decisions are pure
 * (orchestrator.decide.ts). No participant knows it exists beyond the commands it answers.
 */
import type { ModuleDeps } from "../module-deps";
import { orchestratorReactions } from "./orchestrator.reactions";
import { orchestratorStatements } from "./orchestrator.sql";
import { orchestratorStore } from "./orchestrator.store";

export type { OrchestratedSaga } from "./orchestrator.store";

export function orchestratorModule(deps: Pick<ModuleDeps, "db">) {
  const store = orchestratorStore(deps.db, orchestratorStatements(deps.db.$client));
  return {
    name: "orchestrator",
    reactions: orchestratorReactions(store),
    queries: { sagaOf: store.find },
    commands: {
      keptOrderIds: store.keptOrderIds,
      forgetOrders: store.forgetOrders,
      forgetSession: store.forgetSession,
      sessionTables: store.sessionTables,
      sessionActivity: store.sessionActivity,
    },
  };
}
export type OrchestratorModule = ReturnType<typeof orchestratorModule>;
