import type { Database as SQLite } from "bun:sqlite";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sagaLogStatuses } from "./orchestrator.decide";

/**
 * The orchestrator's saga log (seed 003's `sagas` table): one row per orchestrated order, with
 * its status and current step as columns (what a list reads) and the steps, their times, why
 * it is undone and what it knows as one JSON document (what the decisions read and write whole).
 * Written in the same savepoint as the command each move sends.
 */
export const orchestratedSagas = sqliteTable(
  "orchestrated_sagas",
  {
    sessionId: text("session_id").notNull(),
    orderId: text("order_id").notNull(),
    sagaId: text("saga_id").notNull(),
    status: text("status", { enum: sagaLogStatuses }).notNull(),
    currentStep: text("current_step"),
    log: text("log").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.orderId] }), index("orchestrated_sagas_session_updated").on(t.sessionId, t.updatedAt)],
);
export type OrchestratedSagaRow = typeof orchestratedSagas.$inferSelect;

type OrderKey = { sessionId: string; orderId: string };
const columns = `session_id AS sessionId, order_id AS orderId, saga_id AS sagaId, status, current_step AS currentStep, log,
  created_at AS createdAt, updated_at AS updatedAt`;

/** The statements every orchestrated saga runs, prepared once on the connection by the composition root. */
export function orchestratorStatements(sqlite: SQLite) {
  return {
    sagaOf: sqlite.prepare<OrchestratedSagaRow, [OrderKey]>(
      `SELECT ${columns} FROM orchestrated_sagas WHERE session_id = $sessionId AND order_id = $orderId`,
    ),
    start: sqlite.prepare<never, [OrderKey & { sagaId: string; status: string; currentStep: string | null; log: string; now: number }]>(
      `INSERT INTO orchestrated_sagas (session_id, order_id, saga_id, status, current_step, log, created_at, updated_at)
       VALUES ($sessionId, $orderId, $sagaId, $status, $currentStep, $log, $now, $now)`,
    ),
    save: sqlite.prepare<{ orderId: string }, [OrderKey & { status: string; currentStep: string | null; log: string; now: number }]>(
      `UPDATE orchestrated_sagas SET status = $status, current_step = $currentStep, log = $log, updated_at = $now
       WHERE session_id = $sessionId AND order_id = $orderId RETURNING order_id AS orderId`,
    ),
  };
}
export type OrchestratorStatements = ReturnType<typeof orchestratorStatements>;
