import { describe, expect, test } from "bun:test";
import { Bus } from "../../src/bus/bus";
import type { EventPayloadBase } from "../../src/bus/event";
import { ManualClock } from "../../src/platform/clock";
import { openDatabase, transaction } from "../../src/platform/db";
import { sequentialIds } from "../../src/platform/ids";

type Payload = { type: "A"; data: { n: number } };
const parse = (payload: EventPayloadBase): Payload => ({ type: "A", data: payload.data as { n: number } });

function bus() {
  const db = openDatabase({ path: ":memory:" });
  const b = new Bus<Payload>({ db, clock: new ManualClock(1_000), ids: sequentialIds(), parsePayload: parse });
  const draft = (sessionId: string, n: number) => ({
    sessionId,
    sagaId: "g",
    orderId: "o",
    causationId: null,
    style: "choreography",
    type: "A" as const,
    data: { n },
  });
  const stored = (sessionId: string) =>
    db.$client
      .query("SELECT session_seq AS n FROM events WHERE session_id = ? ORDER BY seq")
      .all(sessionId)
      .map((row) => (row as { n: number }).n);
  const lastSeq = (sessionId: string) =>
    (db.$client.query("SELECT last_seq AS n FROM session_event_seqs WHERE session_id = ?").get(sessionId) as { n: number } | null)?.n;
  return { b, db, draft, stored, lastSeq };
}

// A session's numbers are taken in memory within a transaction and its row written once before
// the COMMIT: what is committed must be exactly what the per-event upsert gave.
describe("per-session event numbers", () => {
  test("given several events of two sessions in one transaction, when it commits, then each session is numbered 1, 2, 3 and its row holds the last", () => {
    const { b, draft, stored, lastSeq } = bus();
    b.transact((emit) => {
      emit(draft("s", 1));
      emit(draft("t", 1));
      emit(draft("s", 2));
      emit(draft("s", 3));
    });
    expect(stored("s")).toEqual([1, 2, 3]);
    expect(stored("t")).toEqual([1]);
    expect([lastSeq("s"), lastSeq("t")]).toEqual([3, 1]);
  });

  test("given a savepoint that took numbers and rolled back, when the transaction goes on and commits, then no number is skipped", () => {
    const { b, db, draft, stored, lastSeq } = bus();
    b.transact((emit) => {
      emit(draft("s", 1));
      expect(() =>
        transaction(db, () => {
          emit(draft("s", 2));
          emit(draft("u", 1));
          throw new Error("rolled back");
        }),
      ).toThrow("rolled back");
      emit(draft("s", 3));
      emit(draft("u", 2));
    });
    expect(stored("s")).toEqual([1, 2]);
    expect(stored("u")).toEqual([1]);
    expect([lastSeq("s"), lastSeq("u")]).toEqual([2, 1]);
  });

  test("given a transaction that rolls back, when the next one numbers the session, then it goes on from what was committed", () => {
    const { b, draft, stored, lastSeq } = bus();
    b.transact((emit) => emit(draft("s", 1)));
    expect(() =>
      b.transact((emit) => {
        emit(draft("s", 2));
        emit(draft("s", 3));
        throw new Error("rolled back");
      }),
    ).toThrow("rolled back");
    b.transact((emit) => {
      emit(draft("s", 4));
      emit(draft("s", 5));
    });
    expect(stored("s")).toEqual([1, 2, 3]);
    expect(lastSeq("s")).toBe(3);
  });

  test("given the group commit, when one order's work throws, then the others' numbers follow each other", async () => {
    const { b, draft, stored, lastSeq } = bus();
    const placed = [
      b.transactTogether((emit) => emit(draft("s", 1))),
      b.transactTogether((emit) => {
        emit(draft("s", 2));
        throw new Error("refused");
      }),
      b.transactTogether((emit) => emit(draft("s", 3))),
    ];
    const settled = await Promise.allSettled(placed);
    expect(settled.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(stored("s")).toEqual([1, 2]);
    expect(lastSeq("s")).toBe(2);
  });
});
