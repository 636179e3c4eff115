import type { Clock } from "../platform/clock";
import { type Database, inOpenTransaction, onTransaction } from "../platform/db";
import type { BusStatements } from "./bus.sql";

/**
 * Each session's own event numbers (`session_event_seqs`: 1, 2, 3, ... never reused). A
 * session's first event in a transaction takes its number with the upsert (which writes the
 * row); its next events in the same transaction take theirs in memory, and the row is written
 * once, just before the COMMIT. A rolled-back savepoint gives its numbers back, as the upsert's
 * row would be. Numbers are never held in memory across commits, so a crash loses nothing.
 */
export class SessionNumbering {
  /** The open transaction's numbering, by session: the last number given and the one its row holds. */
  private readonly taken = new Map<string, { given: number; written: number }>();

  constructor(
    private readonly db: Database,
    private readonly statements: BusStatements,
    private readonly clock: Clock,
  ) {}

  /** The session's next event number, inside the open transaction. */
  next(sessionId: string, now: number): number {
    const taken = this.taken.get(sessionId);
    if (taken !== undefined && inOpenTransaction(this.db)) {
      taken.given += 1;
      onTransaction(this.db, { undo: () => (taken.given -= 1) });
      return taken.given;
    }
    const numbered = this.statements.nextSessionSeq.get({ sessionId, now });
    // The upsert always returns its row; a missing one would mean the statement itself is wrong.
    if (!numbered) throw new Error(`The session ${sessionId} could not be given its next event number`);
    if (!inOpenTransaction(this.db)) return numbered.lastSeq;
    const fresh = { given: numbered.lastSeq, written: numbered.lastSeq };
    this.taken.set(sessionId, fresh);
    const first = this.taken.size === 1;
    onTransaction(this.db, {
      // The upsert's row is rolled back with the savepoint: the next event takes the upsert again.
      undo: () => this.taken.delete(sessionId),
      ...(first ? { beforeCommit: () => this.write(), settled: () => this.taken.clear() } : {}),
    });
    return fresh.given;
  }

  /**
   * `DELETE /session`, inside the caller's transaction: numbers this transaction took for the
   * session go with its row, and a later event starts afresh from the upsert. Written first, so
   * that a savepoint rolled back around the wipe leaves the row right.
   */
  forgetSession(sessionId: string): void {
    const taken = this.taken.get(sessionId);
    if (taken && taken.given !== taken.written) {
      this.statements.setSessionSeq.run({ sessionId, lastSeq: taken.given, now: this.clock.now() });
    }
    this.taken.delete(sessionId);
  }

  /** Writes each session's last number given, once, just before the COMMIT. */
  private write(): void {
    const now = this.clock.now();
    for (const [sessionId, taken] of this.taken) {
      if (taken.given === taken.written) continue;
      this.statements.setSessionSeq.run({ sessionId, lastSeq: taken.given, now });
      taken.written = taken.given;
    }
  }
}
