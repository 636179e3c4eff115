import { describe, expect, test } from "bun:test";
import type { DeliveryLogEntry } from "../../src/bus/delivery-log";
import { type DeliveryWords, deliveryWords, intentOf } from "../../src/dashboard/delivery-words";

const at = Date.UTC(2026, 0, 1);
const attempt = (entry: Partial<DeliveryLogEntry>): DeliveryLogEntry => ({
  eventSeq: 3,
  eventType: "INVENTORY_FAILED",
  reaction: "payments.refundWhenStockNotDelivered",
  attempt: 1,
  outcome: "applied",
  at,
  ...entry,
});

/** Given an attempt of the delivery log, when the timeline draws it (latest or not, at `now`), then these words. */
const spec = (entry: DeliveryLogEntry, when: { latest: boolean; now: number }) => ({
  // biome-ignore lint/suspicious/noThenProperty: the spec reads given/when/then; no one awaits it.
  then: (expected: DeliveryWords) => expect(deliveryWords(entry, when)).toEqual(expected),
});
const latest = { latest: true, now: at };

describe("the timeline's words for a delivery", () => {
  test("a delivery whose decision changed something: applied", () => {
    spec(attempt({}), latest).then({ says: "applied" });
  });
  test("an out-of-stock order's refund, which had nothing to refund: says so in the decision's words, not applied", () => {
    spec(attempt({ ignoredBecause: "no payment is taken before stock is reserved: nothing to refund" }), latest).then({
      says: "nothing to do: no payment is taken before stock is reserved: nothing to refund",
    });
  });
  test("a duplicate: ignored, already processed", () => {
    spec(attempt({ outcome: "duplicate_ignored", attempt: 2 }), latest).then({ says: "ignored: already processed" });
  });
  test("a dead letter: after how many attempts", () => {
    spec(attempt({ outcome: "dead_lettered", attempt: 5 }), latest).then({ says: "dead-lettered after 5 attempts" });
  });
  test("the latest failure counts down to its retry", () => {
    spec(attempt({ outcome: "failed", retryAt: at + 2_000 }), { latest: true, now: at + 500 }).then({
      says: "failed, retry",
      retryInMs: 1_500,
    });
  });
  test("an earlier failure, retried since, only says which attempt it was", () => {
    spec(attempt({ outcome: "failed", attempt: 2, retryAt: at + 2_000 }), { latest: false, now: at }).then({ says: "failed (attempt 2)" });
  });
});

describe("a reaction's name on the timeline", () => {
  test("drops the module, which the line already gives", () => {
    expect(intentOf("orders.cancelOrderWhenTimedOut")).toBe("cancelOrderWhenTimedOut");
    expect(intentOf("plain")).toBe("plain");
  });
});
