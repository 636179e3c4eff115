import { describe, expect, test } from "bun:test";
import { inStableOrder, mostRecentlyActive, roomTotals, type SessionOverview, sessionsToCheck } from "../../src/teacher/overview";

const at = 1_000_000;
const row = (sessionId: string, checkedAt: number, recheckAt: number | null = null): SessionOverview => ({
  sessionId,
  orders: 1,
  completed: 1,
  cancelled: 0,
  running: 0,
  stuck: 0,
  deadLetters: 0,
  consistent: true,
  violations: 0,
  bugs: [],
  lastActivity: checkedAt,
  checkedAt,
  recheckAt,
});
const rows = (...list: SessionOverview[]) => new Map(list.map((r) => [r.sessionId, r]));

describe("which sessions a computation checks (pure)", () => {
  test("given rows checked and nothing changed, when planning, then nothing is checked", () => {
    expect(sessionsToCheck({ shown: ["a", "b"], rows: rows(row("a", at), row("b", at)), changed: new Set(), now: at + 60_000 })).toEqual(
      [],
    );
  });

  test("given sessions never checked, then they come first, most recent first, before changed ones", () => {
    const plan = sessionsToCheck({ shown: ["new-1", "a", "new-2"], rows: rows(row("a", at)), changed: new Set(["a"]), now: at });
    expect(plan).toEqual(["new-1", "new-2", "a"]);
  });

  test("given changed sessions, then the one unchecked longest comes first", () => {
    const plan = sessionsToCheck({
      shown: ["a", "b", "c"],
      rows: rows(row("a", at + 2), row("b", at), row("c", at + 1)),
      changed: new Set(["a", "b", "c"]),
      now: at + 10,
    });
    expect(plan).toEqual(["b", "c", "a"]);
  });

  test("given a running saga's deadline, then its session is checked once the clock reaches it, not before", () => {
    const state = { shown: ["a"], rows: rows(row("a", at, at + 300_001)), changed: new Set<string>() };
    expect(sessionsToCheck({ ...state, now: at + 300_000 })).toEqual([]);
    expect(sessionsToCheck({ ...state, now: at + 300_001 })).toEqual(["a"]);
  });

  test("given a changed session that is not shown, then it is not checked", () => {
    expect(sessionsToCheck({ shown: ["a"], rows: rows(row("a", at)), changed: new Set(["elsewhere"]), now: at })).toEqual([]);
  });
});

describe("which sessions are shown (pure)", () => {
  test("the most recently active first, ties by id, at most the limit", () => {
    const activity = new Map([
      ["b", 5],
      ["a", 5],
      ["c", 9],
      ["d", 1],
    ]);
    expect(mostRecentlyActive(activity, 3)).toEqual(["c", "a", "b"]);
  });
});

describe("where each shown session is listed (pure)", () => {
  const listed = (ids: string[], names: Record<string, string>) =>
    inStableOrder(
      ids.map((sessionId) => ({ sessionId })),
      (id) => names[id],
    ).map((r) => r.sessionId);

  test("given named sessions, when listed, then by name ignoring case, ties by id", () => {
    expect(listed(["s3", "s1", "s2", "s4"], { s1: "bob", s2: "Alice", s3: "alice", s4: "Carol" })).toEqual(["s2", "s3", "s1", "s4"]);
  });

  test("given sessions with no name, then they come after the named ones, by id", () => {
    expect(listed(["z", "b", "named", "a"], { named: "Zoë" })).toEqual(["named", "a", "b", "z"]);
  });

  test("given a busy session, when its activity changes, then its place does not", () => {
    const ids = ["attendee-03", "attendee-01", "attendee-02"];
    const before = listed(ids, {});
    // The busiest session is the most recently active: the order shown must not depend on it.
    const after = listed([...ids].reverse(), {});
    expect(before).toEqual(["attendee-01", "attendee-02", "attendee-03"]);
    expect(after).toEqual(before);
  });
});

describe("the room's totals (pure)", () => {
  test("given checked rows and one not yet checked, then the checked rows' numbers are summed and the other is counted apart", () => {
    const busy = { ...row("a", at), completed: 3, cancelled: 1, running: 2, violations: 0 };
    const broken = { ...row("b", at), completed: 1, cancelled: 2, running: 0, violations: 4, consistent: false };
    expect(roomTotals([busy, broken, { sessionId: "c", lastActivity: at, checkedAt: null }])).toEqual({
      sessions: 3,
      notYetChecked: 1,
      completed: 4,
      cancelled: 3,
      running: 2,
      violations: 4,
    });
  });

  test("given no rows, then all zero", () => {
    expect(roomTotals([])).toEqual({ sessions: 0, notYetChecked: 0, completed: 0, cancelled: 0, running: 0, violations: 0 });
  });
});
