import { describe, expect, test } from "bun:test";
import type { BusEvent } from "../../src/bus/event";
import { duplicateDeliveries, type FaultInjection, InjectedFault, injectFaults } from "../../src/bus/faults";
import { reactionOf } from "../../src/bus/reaction";
import { type DeliveryContext, Subscriptions } from "../../src/bus/subscriptions";
import { ManualClock } from "../../src/platform/clock";
import { ManualTimer } from "../../src/platform/timer";

type Payload = { type: "A"; data: { n: number } } | { type: "B"; data: { s: string } };

const envelope = {
  id: "e1",
  seq: 1,
  sessionSeq: 1,
  sessionId: "s",
  sagaId: "g",
  orderId: "o",
  causationId: null,
  timestamp: 0,
  kind: "event" as const,
  style: "choreography",
};
const eventA: BusEvent<Payload> = { ...envelope, type: "A", data: { n: 2 } };
const eventB: BusEvent<Payload> = { ...envelope, type: "B", data: { s: "x" } };

function context(): DeliveryContext<Payload> & { again: number } {
  const ctx = {
    again: 0,
    now: 0,
    emit: () => eventA,
    deliverAgain: () => {
      ctx.again += 1;
    },
  };
  return ctx;
}

describe("the generic reaction shell", () => {
  test("loads, decides, and applies each outcome, depth first through the follow-ups an apply answers", () => {
    const applied: string[] = [];
    const reaction = reactionOf<Payload, "A", number, string>({
      name: "m.r",
      on: "A",
      load: (event) => event.data.n * 10,
      decide: (_event, state) => [`first:${state}`, "second"],
      apply: (_event, outcome) => {
        applied.push(outcome);
        return outcome.startsWith("first") ? ["followUp"] : undefined;
      },
    });
    reaction.handle(eventA, context());
    expect(applied).toEqual(["first:20", "followUp", "second"]);
    expect(reaction.delayMs).toBeUndefined();
  });
  test("a delay is the steps' own, and apply writes through the delivery's context", () => {
    const reaction = reactionOf<Payload, "A", null, Payload>({
      name: "m.r",
      on: "A",
      delayMs: (event) => event.data.n * 100,
      load: () => null,
      decide: () => [{ type: "B", data: { s: "caused" } }],
      apply: (_event, outcome, ctx): undefined => {
        ctx.emit(outcome);
      },
    });
    const emitted: Payload[] = [];
    reaction.handle(eventA, {
      ...context(),
      emit: (payload) => {
        emitted.push(payload);
        return eventB;
      },
    });
    expect(reaction.delayMs?.(eventA)).toBe(200);
    expect(emitted).toEqual([{ type: "B", data: { s: "caused" } }]);
  });
});

describe("the reaction shell tells the delivery when its decision changed nothing", () => {
  type Outcome = { type: "ignore"; reason: string } | { type: "write" };
  const shell = (decide: () => Outcome[], followUps: (outcome: Outcome) => Outcome[] | undefined = () => undefined) =>
    reactionOf<Payload, "A", null, Outcome>({ name: "m.r", on: "A", load: () => null, decide, apply: (_e, outcome) => followUps(outcome) });
  const ignoredOf = (reaction: ReturnType<typeof shell>) => {
    const told: string[] = [];
    reaction.handle(eventA, { ...context(), ignored: (reason) => told.push(reason) });
    return told;
  };
  test("every outcome an ignore: told once, with the decision's reasons", () => {
    expect(ignoredOf(shell(() => [{ type: "ignore", reason: "no money was taken" }]))).toEqual(["no money was taken"]);
    expect(
      ignoredOf(
        shell(() => [
          { type: "ignore", reason: "first" },
          { type: "ignore", reason: "second" },
        ]),
      ),
    ).toEqual(["first; second"]);
  });
  test("any outcome that writes, even as a follow-up of an ignore: not told", () => {
    expect(ignoredOf(shell(() => [{ type: "ignore", reason: "x" }, { type: "write" }]))).toEqual([]);
    expect(
      ignoredOf(
        shell(
          () => [{ type: "ignore", reason: "x" }],
          (o) => (o.type === "ignore" ? [{ type: "write" }] : undefined),
        ),
      ),
    ).toEqual([]);
  });
  test("a decision with no outcomes at all: not told (it has no reason to give)", () => {
    expect(ignoredOf(shell(() => []))).toEqual([]);
  });
});

describe("subscriptions", () => {
  test("a reaction is found by its type and its name, and refuses an event of another type", () => {
    const subscriptions = new Subscriptions<Payload>();
    const seen: number[] = [];
    subscriptions.add({ name: "m.onA", on: "A", handle: (event) => seen.push(event.data.n), delayMs: (event) => event.data.n });
    const [onA] = subscriptions.forType("A");
    expect(subscriptions.named("m.onA")).toBe(onA);
    expect(subscriptions.forType("B")).toEqual([]);
    onA?.handle(eventA, context());
    expect(seen).toEqual([2]);
    expect(onA?.delayMs(eventA)).toBe(2);
    expect(() => onA?.handle(eventB, context())).toThrow("m.onA is subscribed to A, not to B");
    expect(() => subscriptions.add({ name: "m.onA", on: "B", handle: () => {} })).toThrow("subscribed twice");
  });

  test("fault and duplicate wrappers draw in the order the relay always drew: the fault, then (after the reaction) the duplicate", () => {
    const draws = [0.9, 0.1];
    const faults: FaultInjection = { random: () => draws.shift() ?? 1, faultRate: () => 0.5, duplicateRate: () => 0.5 };
    const subscriptions = new Subscriptions<Payload>();
    let ran = 0;
    subscriptions.add({ name: "m.onA", on: "A", handle: () => (ran += 1) }, [duplicateDeliveries(faults), injectFaults(faults)]);
    const [onA] = subscriptions.forType("A");
    const ctx = context();
    onA?.handle(eventA, ctx);
    expect([ran, ctx.again]).toEqual([1, 1]);
    draws.push(0.1);
    expect(() => onA?.handle(eventA, context())).toThrow(InjectedFault);
    expect(ran).toBe(1);
  });
});

describe("the manual timer", () => {
  test("fires callbacks in time order, moving the clock to each, and a cancelled one never", () => {
    const clock = new ManualClock(1_000);
    const timer = new ManualTimer(clock);
    const fired: string[] = [];
    timer.after(50, () => fired.push(`late@${clock.now()}`));
    const cancel = timer.after(10, () => fired.push("cancelled"));
    timer.soon(() => fired.push(`soon@${clock.now()}`));
    cancel();
    expect(timer.fireUntil(1_020)).toBe(1);
    expect(timer.nextAt()).toBe(1_050);
    while (timer.fireNext()) {}
    expect(fired).toEqual(["soon@1000", "late@1050"]);
    expect(timer.fired).toBe(2);
  });
});
