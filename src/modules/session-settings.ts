import { z } from "zod";
import { demoDelayMsSchema, demoDelayRange } from "../platform/config";
import { bugListSchema } from "./bugs";
import { sagaStyleSchema } from "./saga-terms";

/** A chance, from never (0) to always (1): the schema below checks it, the dashboard's sliders offer it. */
export const rateRange = { min: 0, max: 1 } as const;
const rate = z.number().min(rateRange.min).max(rateRange.max);

/**
 * The range of each knob measured in ms, written once: the schema below checks it, and the
 * dashboard's inputs offer it. The demo delays share theirs with the environment's defaults.
 */
export const knobRanges = {
  inventoryDelayMs: demoDelayRange,
  paymentDelayMs: demoDelayRange,
  shippingDelayMs: demoDelayRange,
  reservationTtlMs: { min: 1_000, max: 3_600_000 },
  orderTimeoutMs: { min: 1_000, max: 86_400_000 },
  cartTtlMs: { min: 1_000, max: 86_400_000 },
} as const;
/** A cart not changed for this long expires (half an hour: a workshop's exercise, not a shop's week). */
export const DEFAULT_CART_TTL_MS = 1_800_000;
/** Shipping's demo delay for a new session: shorter than payment's, long enough to watch the step happen. */
export const DEFAULT_SHIPPING_DELAY_MS = 2_000;

const msIn = ({ min, max }: { min: number; max: number }) => z.number().int().min(min).max(max);

// Written in saga-terms.ts, which the tables' files import without the platform's config.
export { type SagaStyle, sagaStyleSchema, sagaStyles } from "./saga-terms";

/**
 * The teacher's knobs, per session (`GET`/`PATCH /settings`). Part of the words every module
 * shares: inventory and payments read their demo delays and failure rates from them, and the
 * relay its step mode, duplicate rate and fault rate. Each is read when a delivery is
 * scheduled or run, so a change applies at once.
 */
export const sessionSettingsSchema = z
  .object({
    /** Demo delay before inventory reacts to an order (an order with skipDemoDelays ignores it). */
    inventoryDelayMs: demoDelayMsSchema,
    /** Demo delay before payment charges a reservation. */
    paymentDelayMs: demoDelayMsSchema,
    /** Demo delay before shipping ships a paid order (only orders placed with the shipment step). */
    shippingDelayMs: demoDelayMsSchema,
    /** Chance (0–1) that inventory fails an order that asked for no inventoryBehaviour. */
    inventoryFailureRate: rate,
    /** Chance (0–1) that the card is declined for an order that asked for no paymentBehaviour. */
    paymentFailureRate: rate,
    /**
     * Whether an order placed from now on has the shipment step: shipping ships it after the
     * payment, and inventory confirms its stock on SHIPMENT_CREATED instead of PAYMENT_SUCCESS.
     * Read when the order is placed and kept on it, so a change never touches a running saga.
     */
    shipmentStep: z.boolean(),
    /** Chance (0–1) that the shipment fails for an order that asked for no shippingBehaviour. */
    shippingFailureRate: rate,
    /** Chance (0–1) that the bus delivers a delivery a second time; the duplicate must change nothing. */
    duplicateDeliveryRate: rate,
    /** Chance (0–1) that a reaction throws a transient fault: retried with backoff, dead-lettered after 5 attempts. */
    reactionFaultRate: rate,
    /** When true, no delivery of this session runs until it is stepped or delivered by hand. */
    stepMode: z.boolean(),
    /** In step mode, the bus panel asks the room "What happens next?" before each Step, then Step reveals it. */
    predictNext: z.boolean(),
    /** A PENDING reservation older than this is released (reason `expired`), its order cancelled (`timeout`); null: never. */
    reservationTtlMs: msIn(knobRanges.reservationTtlMs).nullable(),
    /** An order not final after this is cancelled (`timeout`) with its compensation. */
    orderTimeoutMs: msIn(knobRanges.orderTimeoutMs),
    /** A cart not changed for this long expires (404 CART_EXPIRED) and counts as abandoned; read at each change of the cart. */
    cartTtlMs: msIn(knobRanges.cartTtlMs),
    /** The saga style of an order placed without one (`POST /orders` may name its own). */
    sagaStyle: sagaStyleSchema,
    /** The defects this session puts back (modules/bugs.ts): each switches one module to its named bug variant. */
    bugs: bugListSchema,
    /** With `publishBeforeCommit` on: the chance (0–1) that the server "crashes" between publishing an order's event and committing the order. */
    crashBetweenWritesRate: rate,
  })
  .meta({ id: "Settings" });
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/** `PATCH /settings`: any subset; an unknown key or an out-of-range value is a 400. */
export const settingsPatchSchema = sessionSettingsSchema
  .partial()
  .strict()
  .meta({ example: { paymentFailureRate: 0.3, duplicateDeliveryRate: 0.5 } });
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** What modules read: a session's settings now. */
export interface SettingsReader {
  of(sessionId: string): SessionSettings;
}

/**
 * A demo delay as a delivery's delay, read when the delivery is scheduled: none for an order
 * placed with `skipDemoDelays` (tests and the bench), else the session's knob.
 */
export const demoDelay =
  (settings: SettingsReader, knob: "inventoryDelayMs" | "paymentDelayMs" | "shippingDelayMs") =>
  (event: { sessionId: string; data: { skipDemoDelays: boolean } }): number =>
    event.data.skipDemoDelays ? 0 : settings.of(event.sessionId)[knob];
