import { z } from "zod";
import { toIso } from "../../platform/clock";
import { type ShipmentRow, shipmentStatuses } from "./shipping.sql";

/** The wire form (camelCase: a new resource). */
export const shipmentJsonSchema = z
  .object({
    id: z.string().describe("shp_<uuid>"),
    orderId: z.string(),
    status: z.enum(shipmentStatuses),
    reason: z.string().nullable().describe("Why it failed or was called back; null while CREATED"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: "Shipment",
    example: {
      id: "shp_0193a1b2-0000-7000-8000-000000000004",
      orderId: "0193a1b2-0000-7000-8000-000000000001",
      status: "CREATED",
      reason: null,
      createdAt: "2026-11-22T10:00:10.000Z",
      updatedAt: "2026-11-22T10:00:10.000Z",
    },
  });
export type ShipmentJson = z.infer<typeof shipmentJsonSchema>;

export function shipmentToJson(row: ShipmentRow): ShipmentJson {
  return {
    id: row.id,
    orderId: row.orderId,
    status: row.status,
    reason: row.reason,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
