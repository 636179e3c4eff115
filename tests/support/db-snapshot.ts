import type { Database } from "../../src/platform/db";

/** Every table of the schema: what "writes nothing" and a session's fingerprint look at. */
export const allTables = [
  "products",
  "reservations",
  "reservation_lines",
  "orders",
  "order_items",
  "order_events",
  "carts",
  "cart_items",
  "payments",
  "shipments",
  "events",
  "deliveries",
  "session_event_seqs",
  "session_settings",
  "session_names",
  "idempotency_keys",
  "notifications",
  "orchestrated_sagas",
] as const;

/** Row counts of every table: "writes nothing" means this does not change. */
export function countAllRows(db: Database): Record<(typeof allTables)[number], number> {
  return Object.fromEntries(
    allTables.map((table) => [table, (db.$client.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]),
  ) as Record<(typeof allTables)[number], number>;
}

/** Every row of the domain tables, in a stable order: to compare two databases' outcomes. */
export function dumpDomainTables(db: Database): Record<string, unknown[]> {
  const order: Record<string, string> = {
    products: "session_id, id",
    reservations: "session_id, id",
    reservation_lines: "session_id, reservation_id, product_id",
    orders: "session_id, id",
    order_items: "session_id, order_id, line_no",
    order_events: "session_id, order_id, version",
    payments: "session_id, id",
    shipments: "session_id, id",
    events: "seq",
    orchestrated_sagas: "session_id, order_id",
  };
  return Object.fromEntries(
    Object.entries(order).map(([table, by]) => [table, db.$client.query(`SELECT * FROM ${table} ORDER BY ${by}`).all()]),
  );
}
