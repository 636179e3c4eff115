/**
 * Shipping: owns `shipments`. Takes part only in sagas whose order was placed with the shipment
 * step (the session's `shipmentStep` when it was placed). Listens to PAYMENT_SUCCESS (after the
 * shipping demo delay, ships the paid order: emits SHIPMENT_CREATED, or SHIPMENT_FAILED by the
 * order's shippingBehaviour or the session's shippingFailureRate), and to
 * ORDER_CANCELLATION_REQUESTED and ORDER_CANCELLED (calls a CREATED shipment back: emits
 * SHIPMENT_CANCELLED). Inventory listens to it in turn: it confirms such an order's stock on
 * SHIPMENT_CREATED, and hands it back on SHIPMENT_FAILED. One shipment per order, id `shp_…`.
 */
import type { ModuleDeps } from "../module-deps";
import { shippingReactions } from "./shipping.reactions";
import { shippingRoutes } from "./shipping.routes";
import { shippingService } from "./shipping.service";
import { shippingStatements } from "./shipping.sql";

export { decideCancelShipment, decideShipment, type ShipmentState, type ShippingOutcome } from "./shipping.decide";
export type { ShipmentJson } from "./shipping.schemas";

/** Built once by the composition root: the module's statements are prepared here, on its connection. */
export function shippingModule(deps: ModuleDeps) {
  const service = shippingService(deps, shippingStatements(deps.db.$client));
  return {
    name: "shipping",
    reactions: shippingReactions(deps, service),
    routes: shippingRoutes(service),
    /** Read-only views for the dashboard and the consistency checker. */
    queries: {
      listShipments: service.listShipments,
      listShipmentsPage: service.listShipmentsPage,
      auditSessions: service.auditSessions,
      auditShipments: service.auditShipments,
    },
    commands: {
      keptOrderIds: service.keptOrderIds,
      forgetOrders: service.forgetOrders,
      forgetSession: service.forgetSession,
      sessionTables: service.sessionTables,
      sessionActivity: service.sessionActivity,
    },
  };
}
export type ShippingModule = ReturnType<typeof shippingModule>;
