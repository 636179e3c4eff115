import { expect } from "bun:test";
import type { SagaEvent, SagaEventType, SagaPayload } from "../../src/modules/events";

/**
 * Given/when/then for a pure decision, in the manner of emmett's decider specifications:
 * given the state the reaction loaded, when the event is delivered, then these outcomes.
 */
export function decisionSpec<E, S, O>(decide: (event: E, state: S) => O[]) {
  return {
    given: (state: S) => ({
      when: (event: E) => ({
        // biome-ignore lint/suspicious/noThenProperty: the spec reads given/when/then; no one awaits it.
        then: (expected: O[]) => expect(decide(event, state)).toEqual(expected),
      }),
    }),
  };
}

/** A delivered event of the seed's saga: the envelope is fixed, the payload is the test's. */
export function sagaEvent<T extends SagaEventType>(type: T, data: Extract<SagaPayload, { type: T }>["data"]): SagaEvent<T> {
  return {
    type,
    data,
    id: "evt-1",
    seq: 1,
    sessionId: "workshop",
    sagaId: "saga-1",
    orderId: "order-1",
    causationId: null,
    timestamp: Date.UTC(2026, 0, 1),
  } as SagaEvent<T>;
}
