import { z } from "zod";

/**
 * The few words every module of the saga shares. Each module owns its own tables and events;
 * these are the terms their events are written in, so no module has to import another.
 */

/** How a step of the saga should behave for one order: a workshop asks for failures on purpose. */
export const behaviours = ["success", "failure", "random"] as const;
export const behaviourSchema = z.enum(behaviours);
export type Behaviour = z.infer<typeof behaviourSchema>;

/** One line of an order, as the order states it and inventory reserves it. */
export const orderLineSchema = z.object({ product: z.string(), quantity: z.number().int() });
export type OrderLine = z.infer<typeof orderLineSchema>;

/** Why an order was cancelled; inventory names it when it gives stock back. */
export const cancellationSources = ["inventory_depleted", "payment_failed", "timeout", "customer", "operator"] as const;
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
export const stockReturnCauses = ["payment_failed", ...requestedCancellations] as const;
export const stockReturnCauseSchema = z.enum(stockReturnCauses);
export type StockReturnCause = z.infer<typeof stockReturnCauseSchema>;
