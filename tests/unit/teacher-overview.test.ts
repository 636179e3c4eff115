import { describe, expect, test } from "bun:test";
import { mostRecentlyActive, type SessionOverview, sessionsToCheck } from "../../src/teacher/overview";

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
