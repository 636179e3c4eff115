import type { Clock } from "./clock";

/** How many failures a client may have before it must wait, and for how long. */
export interface LockoutPolicy {
  /** Failures in a row (within `windowMs` of the first) that lock a client out. */
  failuresAllowed: number;
  /** A run of failures older than this is forgotten: a teacher mistyping once a day is never locked out. */
  windowMs: number;
  lockoutMs: number;
}

/** What is remembered of one client: its run of failures and, once locked out, until when. */
export interface FailureRecord {
  failures: number;
  firstFailureAt: number;
  lockedUntil: number | null;
}

/** May this client try now? Pure: the record and the time in, the answer out. */
export function attemptAllowed(
  record: FailureRecord | undefined,
  now: number,
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  if (record?.lockedUntil == null || now >= record.lockedUntil) return { allowed: true };
  return { allowed: false, retryAfterMs: record.lockedUntil - now };
}

/** The record after one more failure: a new run once the window or the lockout is over, locked at the last allowed failure. */
export function afterFailure(record: FailureRecord | undefined, now: number, policy: LockoutPolicy): FailureRecord {
  const stale =
    record === undefined || (record.lockedUntil !== null ? now >= record.lockedUntil : now - record.firstFailureAt >= policy.windowMs);
  const run = stale ? { failures: 1, firstFailureAt: now } : { failures: record.failures + 1, firstFailureAt: record.firstFailureAt };
  return { ...run, lockedUntil: run.failures >= policy.failuresAllowed ? now + policy.lockoutMs : null };
}

/**
 * Failures per client (by address), for a secret someone might guess: after a few failures
 * the client is locked out for a short while, whatever it sends, so guessing costs time; other
 * clients are never affected. At most `maxClients` are remembered: past that the client whose
 * record changed longest ago is forgotten, so the memory stays bounded whoever knocks.
 */
export class FailureLimiter {
  private readonly records = new Map<string, FailureRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy,
    private readonly maxClients: number,
  ) {}

  check(client: string): ReturnType<typeof attemptAllowed> {
    return attemptAllowed(this.records.get(client), this.clock.now());
  }

  failed(client: string): void {
    const record = afterFailure(this.records.get(client), this.clock.now(), this.policy);
    // Deleted first, so the map's insertion order is the order of last change (the eviction order).
    this.records.delete(client);
    this.records.set(client, record);
    if (this.records.size > this.maxClients) this.records.delete(this.records.keys().next().value as string);
  }

  succeeded(client: string): void {
    this.records.delete(client);
  }

  get remembered(): number {
    return this.records.size;
  }
}
