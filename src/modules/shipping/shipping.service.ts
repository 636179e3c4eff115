import { and, desc, eq, inArray } from "drizzle-orm";
import { deleteSessionRows, lastChangePerSession } from "../../platform/db";
import { pastPosition } from "../../platform/paging";
import type { ModuleDeps } from "../module-deps";
import type { ShipmentState } from "./shipping.decide";
import { type ShipmentJson, shipmentToJson } from "./shipping.schemas";
import { type ShipmentRow, type ShipmentStatus, type ShippingStatements, shipments } from "./shipping.sql";

/** The tables that keep a session's rows. */
const sessionTables = ["shipments"] as const;

/** Shipping's commands and queries; the routes, the reactions and (through index.ts) the dashboard and the checker call these. */
export function shippingService(deps: ModuleDeps, statements: ShippingStatements) {
  const { db } = deps;

  /** Newest first, after `after` (the last shipment of the previous page), at most `limit`; and where the next page starts. */
  function listShipmentsPage(sessionId: string, limit: number, after?: readonly [number, string]) {
    const rows = db
      .select()
      .from(shipments)
      .where(and(eq(shipments.sessionId, sessionId), pastPosition(shipments.createdAt, shipments.id, after, "desc")))
      .orderBy(desc(shipments.createdAt), desc(shipments.id))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next: readonly [number, string] | undefined = rows.length > limit && last ? [last.createdAt, last.id] : undefined;
    return { shipments: page.map(shipmentToJson), next };
  }

  return {
    listShipments(sessionId: string, limit: number): ShipmentJson[] {
      return listShipmentsPage(sessionId, limit).shipments;
    },

    listShipmentsPage,

    shipmentState(sessionId: string, orderId: string): ShipmentState {
      return statements.shipmentOfOrder.get({ sessionId, orderId }) ?? undefined;
    },

    createShipment(sessionId: string, orderId: string, id: string, status: ShipmentStatus, reason: string | null, now: number): void {
      statements.create.run({ id, sessionId, orderId, status, reason, now });
    },

    /** Moves a shipment from `from` to `to`; the decision was taken on `from`, so not moving means the books are broken. */
    moveShipment(sessionId: string, id: string, from: ShipmentStatus, to: ShipmentStatus, reason: string | null, now: number): void {
      const moved = statements.move.get({ sessionId, id, from, to, reason, now });
      if (!moved) throw new Error(`Shipment ${id} could not move from ${from} to ${to}`);
    },

    /** The orders this module keeps shipments of (what an orders reset may have left behind). */
    keptOrderIds(sessionId: string): string[] {
      return db
        .select({ orderId: shipments.orderId })
        .from(shipments)
        .where(eq(shipments.sessionId, sessionId))
        .all()
        .map((row) => row.orderId);
    },

    /**
     * After an orders reset: the shipments of these orders, gone and with nothing ahead on the
     * bus, are settled history and dropped (inside the caller's transaction), except a CREATED
     * shipment of a saga that was cancelled: a parcel nobody called back, kept for the checker.
     */
    forgetOrders(sessionId: string, orderIds: readonly string[]): void {
      if (orderIds.length === 0) return;
      const ofOrders = and(eq(shipments.sessionId, sessionId), inArray(shipments.orderId, [...orderIds]));
      const forgotten = db
        .select({ id: shipments.id, orderId: shipments.orderId, status: shipments.status })
        .from(shipments)
        .where(ofOrders)
        .all()
        .filter(
          (shipment) =>
            shipment.status !== "CREATED" || !deps.bus.queries.orderHasEventOf(sessionId, shipment.orderId, ["ORDER_CANCELLED"]),
        )
        .map((shipment) => shipment.id);
      if (forgotten.length > 0)
        db.delete(shipments)
          .where(and(ofOrders, inArray(shipments.id, forgotten)))
          .run();
    },

    /** `DELETE /session`: every row of the session this module owns (inside the caller's transaction). */
    forgetSession: (sessionId: string) => deleteSessionRows(db, sessionId, sessionTables),
    sessionTables,
    /** Who keeps rows here and when they last changed. */
    sessionActivity: () => lastChangePerSession(db, [["shipments", "updated_at"]]),

    /** The sessions that keep shipments (for the consistency checker run over every session). */
    auditSessions(): string[] {
      return db
        .selectDistinct({ sessionId: shipments.sessionId })
        .from(shipments)
        .all()
        .map((row) => row.sessionId);
    },

    /** The shipments of a slice of a session's orders, for the consistency checker. */
    auditShipments(sessionId: string, orderIds: readonly string[]): ShipmentRow[] {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(shipments)
        .where(and(eq(shipments.sessionId, sessionId), inArray(shipments.orderId, [...orderIds])))
        .all();
    },
  };
}
export type ShippingService = ReturnType<typeof shippingService>;
