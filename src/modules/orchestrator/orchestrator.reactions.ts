import { type SagaEvent, type SagaEventType, type SagaReactionContext, sagaReaction } from "../events";
import type { SagaStyle } from "../saga-terms";
import { decideNext, type OrchestratorOutcome, startSaga } from "./orchestrator.decide";
import { repliesOf, stepsByName, stepsFor } from "./orchestrator.steps";
import type { OrchestratorStore } from "./orchestrator.store";

/** The orchestrator takes part only in orchestrated sagas; in the others it hears nothing. */
const styles: readonly SagaStyle[] = ["orchestration"];

/**
 * The orchestrator's reactions: it starts the saga on ORDER_CREATED and moves on each reply
 * its steps wait for. Each writes the log and the command it sends in the delivery's savepoint,
 * so the saga's state and its next message commit together or not at all.
 */
export function orchestratorReactions(store: OrchestratorStore) {
  const load = (event: SagaEvent) => store.logOf(event.sessionId, event.orderId);
  function apply(event: SagaEvent, outcome: OrchestratorOutcome, { now, emit }: SagaReactionContext): undefined {
    const key = { sessionId: event.sessionId, orderId: event.orderId };
    switch (outcome.type) {
      case "ignore":
        break;
      case "start":
        store.start({ ...key, sagaId: event.sagaId }, outcome.log, now);
        break;
      case "save":
        store.save(key, outcome.log, now);
        break;
      case "send":
        emit(outcome.command);
        break;
    }
  }

  const replies: SagaEventType[] = repliesOf(stepsByName.values());
  return [
    sagaReaction({
      name: "orchestrator.startSagaWhenOrderCreated",
      on: "ORDER_CREATED",
      styles,
      load,
      // The step list is the order's (the settings it was placed with); its log keeps it from then on.
      decide: (event, log) => startSaga(event, log, stepsFor({ shipmentStep: event.data.shipment !== undefined }), event.timestamp),
      apply,
    }),
    ...replies.map((on) =>
      sagaReaction({
        name: `orchestrator.moveOn${pascal(on)}`,
        on,
        styles,
        load,
        decide: (event: SagaEvent, log) => decideNext(log, event, stepsByName, event.timestamp),
        apply,
      }),
    ),
  ];
}

/** `PAYMENT_SUCCESS` → `PaymentSuccess`. */
const pascal = (type: string) =>
  type
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
