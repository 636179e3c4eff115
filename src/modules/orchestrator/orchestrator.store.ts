import { and, eq, inArray } from "drizzle-orm";
import { type Database, deleteSessionRows, lastChangePerSession } from "../../platform/db";
import { currentStepOf, type SagaLog, sagaLogSchema } from "./orchestrator.decide";
import { type OrchestratorStatements, orchestratedSagas } from "./orchestrator.sql";

/** A saga log as the API and the dashboard read it. */
export interface OrchestratedSaga {
  sagaId: string;
  orderId: string;
  log: SagaLog;
  createdAt: number;
  updatedAt: number;
}

const sessionTables = ["orchestrated_sagas"] as const;

/** The orchestrator's own rows: the saga logs its decisions read and write. */
export function orchestratorStore(db: Database, statements: OrchestratorStatements) {
  const find = (sessionId: string, orderId: string): OrchestratedSaga | undefined => {
    const row = statements.sagaOf.get({ sessionId, orderId });
    if (!row) return undefined;
    // Parsed, never cast: a log written by an older version reads as its schema says, or fails loudly.
    return {
      sagaId: row.sagaId,
      orderId: row.orderId,
      log: sagaLogSchema.parse(JSON.parse(row.log)),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  };
  const written = (log: SagaLog) => ({ status: log.status, currentStep: currentStepOf(log), log: JSON.stringify(log) });

  return {
    find,
    logOf: (sessionId: string, orderId: string): SagaLog | undefined => find(sessionId, orderId)?.log,
    start(key: { sessionId: string; orderId: string; sagaId: string }, log: SagaLog, now: number): void {
      statements.start.run({ ...key, ...written(log), now });
    },
    save(key: { sessionId: string; orderId: string }, log: SagaLog, now: number): void {
      const saved = statements.save.get({ ...key, ...written(log), now });
      if (!saved) throw new Error(`The saga log of order ${key.orderId} is gone while its saga moves on`);
    },

    // What the session's housekeeping asks of every module that keeps rows per order.
    keptOrderIds: (sessionId: string): string[] =>
      db
        .select({ orderId: orchestratedSagas.orderId })
        .from(orchestratedSagas)
        .where(eq(orchestratedSagas.sessionId, sessionId))
        .all()
        .map((row) => row.orderId),
    forgetOrders(sessionId: string, orderIds: readonly string[]): void {
      if (orderIds.length === 0) return;
      db.delete(orchestratedSagas)
        .where(and(eq(orchestratedSagas.sessionId, sessionId), inArray(orchestratedSagas.orderId, [...orderIds])))
        .run();
    },
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,
    sessionActivity: () => lastChangePerSession(db, [["orchestrated_sagas", "updated_at"]]),
  };
}
export type OrchestratorStore = ReturnType<typeof orchestratorStore>;
