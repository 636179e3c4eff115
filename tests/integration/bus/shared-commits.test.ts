import { expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { events } from "../../../src/bus/bus.sql";
import type { SagaEvent } from "../../../src/modules/events";
import { createTestApp } from "../../support/test-app";

const completed = (orderId: string) => ({
  type: "ORDER_COMPLETED" as const,
  sessionId: "test-session",
  sagaId: `saga-${orderId}`,
  style: "choreography",
  orderId,
  causationId: null,
  data: { totalCents: 100 },
});

const eventCount = (t: ReturnType<typeof createTestApp>) => t.deps.db.select({ n: count() }).from(events).get()?.n;

test("work committed together: a piece that throws is rolled back alone, the others commit and are announced after the commit", async () => {
  const t = createTestApp();
  const announced: string[] = [];
  t.deps.bus.listen((committed) => announced.push(...committed.map((e) => e.orderId)));

  const first = t.deps.bus.transactTogether((emit) => emit(completed("first")).orderId);
  const failing = t.deps.bus.transactTogether((emit) => {
    emit(completed("failing"));
    throw new Error("refused");
  });
  const third = t.deps.bus.transactTogether((emit) => emit(completed("third")).orderId);
  // Nothing is written or announced before the shared commit.
  expect(eventCount(t)).toBe(0);
  expect(announced).toEqual([]);

  const [firstResult, failure, thirdResult] = await Promise.allSettled([first, failing, third]);
  expect(firstResult).toEqual({ status: "fulfilled", value: "first" });
  expect(failure.status === "rejected" && (failure.reason as Error).message).toBe("refused");
  expect(thirdResult).toEqual({ status: "fulfilled", value: "third" });
  expect(announced).toEqual(["first", "third"]);
  const stored = t.deps.db.select({ orderId: events.orderId }).from(events).all();
  expect(stored.map((e) => e.orderId)).toEqual(["first", "third"]);
});

test("in one relay round, a reaction that throws is rolled back and retried alone while the other deliveries commit", async () => {
  const t = createTestApp();
  t.deps.bus.subscribe({
    name: "test.echoUnlessBroken",
    on: "ORDER_COMPLETED",
    handle: (event, ctx) => {
      // Writes first, then fails for one order: the write must not survive.
      ctx.emit({ type: "ORDER_CANCELLED", data: { cancellationSource: "operator", reason: "echo" } });
      if (event.orderId === "broken") throw new Error("broken reaction");
    },
  });
  const placed: SagaEvent[] = [];
  for (const orderId of ["a", "broken", "b"]) placed.push(t.deps.bus.transact((emit) => emit(completed(orderId))));

  // Each ORDER_COMPLETED to the echo and to notifications, plus each committed echo
  // (ORDER_CANCELLED) to inventory and payments (which give back whatever an order cancelled
  // mid-saga still holds: nothing here) and to notifications.
  expect(t.relay.runDue()).toBe(3 * 2 + 2 * 3);

  const echoes = t.deps.db.select({ orderId: events.orderId }).from(events).where(eq(events.type, "ORDER_CANCELLED")).all();
  expect(echoes.map((e) => e.orderId)).toEqual(["a", "b"]);
  // The two that worked are behind the cursor with no row left: a duplicate of either is ignored.
  const bothIgnored = [
    { reaction: "notifications.notifyOnOrderCompleted", outcome: "duplicate_ignored" as const },
    { reaction: "test.echoUnlessBroken", outcome: "duplicate_ignored" as const },
  ];
  expect(t.steering.redeliver(placed[0]!)).toEqual(bothIgnored);
  expect(t.steering.redeliver(placed[2]!)).toEqual(bothIgnored);
  // The broken one waits in the schedule for its retry.
  const retry = t.deps.db.$client.query("SELECT event_seq AS seq, attempts FROM deliveries").all();
  expect(retry).toEqual([{ seq: placed[1]!.seq, attempts: 1 }]);
  expect(t.relay.pendingCount()).toBe(1);
  expect(t.relayFailures).toEqual(["relay: test.echoUnlessBroken failed on event #2 (attempt 1)"]);
});
