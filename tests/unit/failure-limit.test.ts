import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/platform/clock";
import { afterFailure, attemptAllowed, FailureLimiter, type FailureRecord, type LockoutPolicy } from "../../src/platform/failure-limit";

const policy: LockoutPolicy = { failuresAllowed: 3, windowMs: 60_000, lockoutMs: 30_000 };
const at = 1_000_000;

describe("a client's run of failures (pure)", () => {
  test("given no record, when it fails, then a run of one starts, not locked", () => {
    expect(afterFailure(undefined, at, policy)).toEqual({ failures: 1, firstFailureAt: at, lockedUntil: null });
  });

  test("given two failures in the window, when it fails a third time, then it is locked out for lockoutMs", () => {
    const two: FailureRecord = { failures: 2, firstFailureAt: at, lockedUntil: null };
    expect(afterFailure(two, at + 5_000, policy)).toEqual({ failures: 3, firstFailureAt: at, lockedUntil: at + 35_000 });
  });

  test("given a run older than the window, when it fails, then a new run starts", () => {
    const two: FailureRecord = { failures: 2, firstFailureAt: at, lockedUntil: null };
    expect(afterFailure(two, at + 60_000, policy)).toEqual({ failures: 1, firstFailureAt: at + 60_000, lockedUntil: null });
  });

  test("given a lockout that is over, when it fails, then a new run starts", () => {
    const locked: FailureRecord = { failures: 3, firstFailureAt: at, lockedUntil: at + 30_000 };
    expect(afterFailure(locked, at + 30_000, policy)).toEqual({ failures: 1, firstFailureAt: at + 30_000, lockedUntil: null });
  });

  test("given a lockout, an attempt is refused until it ends, with how long is left", () => {
    const locked: FailureRecord = { failures: 3, firstFailureAt: at, lockedUntil: at + 30_000 };
    expect(attemptAllowed(locked, at + 10_000)).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect(attemptAllowed(locked, at + 30_000)).toEqual({ allowed: true });
    expect(attemptAllowed(undefined, at)).toEqual({ allowed: true });
    expect(attemptAllowed({ failures: 2, firstFailureAt: at, lockedUntil: null }, at)).toEqual({ allowed: true });
  });
});

describe("the limiter's memory", () => {
  test("remembers at most maxClients: the client whose record changed longest ago is forgotten first", () => {
    const limiter = new FailureLimiter(new ManualClock(at), policy, 2);
    for (let i = 0; i < 3; i += 1) limiter.failed("a");
    limiter.failed("b");
    limiter.failed("a"); // a changed last
    limiter.failed("c");
    expect(limiter.remembered).toBe(2);
    expect(limiter.check("a").allowed).toBe(false); // kept
    limiter.failed("d"); // b was the oldest, then a
    expect(limiter.remembered).toBe(2);
    expect(limiter.check("a")).toEqual({ allowed: true });
  });
});
