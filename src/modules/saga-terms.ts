import { z } from "zod";

/**
 * The few words every module of the saga shares. Each module owns its own tables and events;
 * these are the terms their events are written in, so no module has to import another.
 */

/** How a step of the saga should behave for one order: a workshop asks for failures on purpose. */
export const behaviours = ["success", "failure", "random"] as const;
export const behaviourSchema = z.enum(behaviours);
export type Behaviour = z.infer<typeof behaviourSchema>;

/**
 * How an order's saga is run: `choreography` (the participants react to each other's events),
 * `orchestration` (an orchestrator sends one command at a time and moves on the replies) or
 * `rpc` (the order service calls the others synchronously). Read when an order is placed; the
 * order keeps it.
 */
export const sagaStyles = ["choreography", "orchestration", "rpc"] as const;
export const sagaStyleSchema = z.enum(sagaStyles);
export type SagaStyle = z.infer<typeof sagaStyleSchema>;

/** A reaction's `styles` when it is one participant reacting to another's event: choreography alone. */
export const choreography: readonly SagaStyle[] = ["choreography"];

/**
 * A reaction that undoes what is held or taken (a cancel, a timeout, an expiry), in choreography
 * and for an rpc-style saga too: no reaction drives an rpc saga forward (its chain of calls
 * does), but once the chain has ended or died, the bus is the only durable way to undo it.
 */
export const undoesChoreographyAndRpc: readonly SagaStyle[] = ["choreography", "rpc"];

/** One line of an order, as the order states it and inventory reserves it. */
export const orderLineSchema = z.object({ product: z.string(), quantity: z.number().int() });
export type OrderLine = z.infer<typeof orderLineSchema>;

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 1_000_000;
export const MAX_PRODUCT_ID_LENGTH = 200;

/** One line as a client sends it (`POST /orders`, `POST /inventory/check`): `productId` is SWAP's spelling. */
export const orderLineInputSchema = z
  .object({
    product: z.string().min(1).max(MAX_PRODUCT_ID_LENGTH).optional(),
    // SWAP's benchmark spells the field `productId`; accepted so it runs unchanged.
    productId: z.string().min(1).max(MAX_PRODUCT_ID_LENGTH).optional(),
    quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  })
  .transform((line, ctx): OrderLine => {
    const product = line.product ?? line.productId;
    if (product === undefined) {
      ctx.addIssue({ code: "custom", path: ["product"], message: "Required: the product id" });
      return z.NEVER;
    }
    return { product, quantity: line.quantity };
  });

/** Why an order was cancelled; inventory names it when it gives stock back. */
export const cancellationSources = ["inventory_depleted", "payment_failed", "shipment_failed", "timeout", "customer", "operator"] as const;
export const cancellationSourceSchema = z.enum(cancellationSources);
export type CancellationSource = z.infer<typeof cancellationSourceSchema>;

/**
 * Who may ask for a running (or completed) saga to be undone: the customer (`POST
 * /orders/:id/cancel`), the clock (an order or a reservation past its time) or an operator
 * (`POST /sagas/:id/compensate`, an orders reset). The other sources are the saga's own failures.
 */
export const requestedCancellations = ["customer", "timeout", "operator"] as const;
export const requestedCancellationSchema = z.enum(requestedCancellations);
export type RequestedCancellation = z.infer<typeof requestedCancellationSchema>;

/** Why stock went back, or came back from a completed order: the order's cancellationSource. */
export const stockReturnCauses = ["payment_failed", "shipment_failed", ...requestedCancellations] as const;
export const stockReturnCauseSchema = z.enum(stockReturnCauses);
export type StockReturnCause = z.infer<typeof stockReturnCauseSchema>;

/**
 * What an order with the shipment step asks of shipping, carried on the saga's events from the
 * order to shipping (ORDER_CREATED → INVENTORY_RESERVED → PAYMENT_SUCCESS) so no module reads
 * another's rows. Fixed when the order is placed (the session's `shipmentStep` then), so turning
 * the setting mid-saga never changes a running saga; null on an order without the step.
 */
export const shipmentTermsSchema = z.object({ behaviour: behaviourSchema, behaviourGiven: z.boolean(), skipDemoDelays: z.boolean() });
export type ShipmentTerms = z.infer<typeof shipmentTermsSchema>;
