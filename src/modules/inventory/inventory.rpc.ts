import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { z } from "zod";
import type { InventoryService, ReservationResponseSchema } from "../../gen/inventory/v1/inventory_pb";
import { transaction } from "../../platform/db";
import { QuotaExceededError } from "../../platform/errors";
import { rpcSagaKey, sessionOfCall } from "../../platform/rpc-context";
import { validated } from "../../platform/validation";
import type { ModuleDeps } from "../module-deps";
import { behaviourSchema, MAX_LINE_QUANTITY, MAX_ORDER_LINES, MAX_PRODUCT_ID_LENGTH } from "../saga-terms";
import type { PricedLine } from "./inventory.events";
import { availableOf } from "./inventory.queries";
import type { InventoryStore } from "./inventory.store";
import {
  type CallOutcome,
  decideCancelCall,
  decideCommitCall,
  decideReserveCall,
  onReserveCallAttempted,
  type ReservationAnswer,
} from "./inventory-calls.decide";
import { mergeLines } from "./reservation-rules";

/** seed 002's default hold (its order service asks for 30 minutes); what a call that names none gets. */
export const DEFAULT_EXPIRATION_MINUTES = 30;
/** A day: longer than any order may wait for its timeout (orderTimeoutMs is at most 24 h). */
export const MAX_EXPIRATION_MINUTES = 1_440;

const quantity = z.number().int().min(1).max(MAX_LINE_QUANTITY);
const productId = z.string().min(1, "Required: the product id").max(MAX_PRODUCT_ID_LENGTH);
// A reference becomes the reservation's order id: the form of a session id, so it is safe in every log and URL.
const referenceId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1 to 64 characters of A-Z a-z 0-9 . _ : -");
const reservationId = z.string().min(1, "Required: the reservation id").max(100);

const checkCallSchema = z.object({
  items: z
    .array(z.object({ productId, sku: z.string().max(200), variantId: z.string().max(200).optional(), quantity }))
    .min(1, "At least one item")
    .max(MAX_ORDER_LINES),
});

const reserveCallSchema = z.object({
  items: z
    .array(z.object({ inventoryItemId: productId, warehouseId: z.string().max(200), quantity }))
    .min(1, "At least one item")
    .max(MAX_ORDER_LINES),
  referenceId,
  referenceType: z.string().max(64),
  // 0 is proto3's "not set".
  expirationMinutes: z.number().int().min(0).max(MAX_EXPIRATION_MINUTES),
  behaviour: z.union([z.literal(""), behaviourSchema]),
});

const reservationCallSchema = z.object({ reservationId });

type ReservationResponse = MessageInitShape<typeof ReservationResponseSchema>;
const toResponse = ({ reservationId, success, message, totalCents }: ReservationAnswer): ReservationResponse => ({
  reservationId,
  success,
  message,
  totalCents: BigInt(totalCents),
});

/**
 * Inventory as a remote service (seed 002's InventoryService): the same reservation book and
 * the same rules as the reactions (inventory-calls.decide.ts), answered to the caller. A
 * reservation made here is an ordinary reservation, keyed by its reference as a reaction's is by
 * its order: the board, `GET /inventory/reservations` and the checker see it. What it emits
 * (INVENTORY_HELD) only schedules its own expiry.
 */
export function inventoryRpc(deps: ModuleDeps, store: InventoryStore): ServiceImpl<typeof InventoryService> {
  const { db, bus } = deps;

  /** Carries out a call's outcomes (a reserve's result decides its answer, as a follow-up); answers the answer. */
  function carryOut(
    sessionId: string,
    referenceId: string,
    outcomes: readonly CallOutcome[],
    ctx: { now: number; expiresAt?: number },
    onHeld?: (reservationId: string, items: PricedLine[], totalCents: number) => void,
  ): ReservationAnswer {
    let answered: ReservationAnswer | undefined;
    for (const outcome of outcomes) {
      switch (outcome.type) {
        case "answer":
          answered = outcome.answer;
          break;
        case "reserve": {
          const attempt = store.reserveStock(sessionId, referenceId, outcome.lines, ctx.now, ctx.expiresAt ?? null);
          const followUp = carryOut(sessionId, referenceId, onReserveCallAttempted(attempt), ctx);
          if (attempt.reserved) onHeld?.(attempt.reservationId, attempt.items, followUp.totalCents);
          answered = followUp;
          break;
        }
        case "settle":
          store.settleReservation(sessionId, outcome, ctx.now);
          break;
      }
    }
    if (!answered) throw new Error("An inventory call's decision answered nothing");
    return answered;
  }

  /** CommitReservation and CancelReservation: the named reservation, settled by its decision. */
  function settleCall(request: unknown, context: HandlerContext, decide: typeof decideCommitCall): ReservationResponse {
    const sessionId = sessionOfCall(context.values);
    const call = validated(reservationCallSchema, request);
    const answer = transaction(db, () => {
      const found = store.reservationById(sessionId, call.reservationId);
      if (!found?.state) throw new ConnectError(`Reservation ${call.reservationId} not found`, Code.NotFound);
      return carryOut(sessionId, found.orderId, decide(found.state), { now: deps.clock.now() });
    });
    deps.changes.announce(sessionId, "INVENTORY_CHANGED");
    return toResponse(answer);
  }

  return {
    checkInventoryAvailability(request, context) {
      const sessionId = sessionOfCall(context.values);
      const { items } = validated(checkCallSchema, request);
      const wanted = new Map(
        mergeLines(items.map((item) => ({ product: item.productId, quantity: item.quantity }))).map((l) => [l.product, l.quantity]),
      );
      const available = availableOf(db, sessionId, [...wanted.keys()]);
      const answers = items.map((item) => {
        const now = available.get(item.productId);
        // A product named on several lines is available when all of them together are.
        const isAvailable = now !== undefined && now >= (wanted.get(item.productId) ?? item.quantity);
        const status = now === undefined ? "UNKNOWN_PRODUCT" : isAvailable ? "IN_STOCK" : "INSUFFICIENT_STOCK";
        return {
          productId: item.productId,
          variantId: item.variantId,
          sku: item.sku,
          requestedQuantity: item.quantity,
          availableQuantity: now ?? 0,
          isAvailable,
          status,
        };
      });
      return { items: answers, allAvailable: answers.every((a) => a.isAvailable) };
    },

    reserveInventory(request, context) {
      const sessionId = sessionOfCall(context.values);
      const call = validated(reserveCallSchema, request);
      const lines = call.items.map((item) => ({ product: item.inventoryItemId, quantity: item.quantity }));
      const sagaId = context.values.get(rpcSagaKey) ?? call.referenceId;
      const settings = deps.settings.of(sessionId);
      const answer = bus.transact((emit) => {
        // A call may name any reference, not only an order: the session's disk stays bounded as its orders' does.
        if (store.reservationCount(sessionId) >= deps.config.maxOrdersPerSession) {
          throw new QuotaExceededError(
            `This session keeps ${deps.config.maxOrdersPerSession} reservations, its quota (MAX_ORDERS_PER_SESSION); POST /inventory/reset or DELETE /session first`,
          );
        }
        const now = deps.clock.now();
        const expiresAt = now + (call.expirationMinutes || DEFAULT_EXPIRATION_MINUTES) * 60_000;
        const outcomes = decideReserveCall(
          store.reservationState(sessionId, call.referenceId),
          { referenceId: call.referenceId, lines, asked: { behaviour: call.behaviour || "success", given: call.behaviour !== "" } },
          { random: deps.random, failureRate: settings.inventoryFailureRate },
        );
        return carryOut(sessionId, call.referenceId, outcomes, { now, expiresAt }, (reservationId, items, totalCents) =>
          emit({
            type: "INVENTORY_HELD",
            sessionId,
            sagaId,
            orderId: call.referenceId,
            causationId: null,
            // A call's reservation belongs to the rpc style: only inventory's own expiry hears of it.
            style: "rpc",
            data: { reservationId, referenceType: call.referenceType, items, totalCents, expiresAt },
          }),
        );
      });
      return toResponse(answer);
    },

    commitReservation: (request, context) => settleCall(request, context, decideCommitCall),
    cancelReservation: (request, context) => settleCall(request, context, decideCancelCall),
  };
}
