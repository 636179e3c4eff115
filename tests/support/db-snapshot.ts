import type { Database } from "../../src/platform/db";

const tables = [
  "products",
  "reservations",
  "reservation_lines",
  "orders",
  "order_items",
  "payments",
  "events",
  "deliveries",
  "session_settings",
  "idempotency_keys",
  "notifications",
] as const;

/** Row counts of every table: "writes nothing" means this does not change. */
export function countAllRows(db: Database): Record<(typeof tables)[number], number> {
  return Object.fromEntries(
    tables.map((table) => [table, (db.$client.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]),
  ) as Record<(typeof tables)[number], number>;
}

/** Every row of the domain tables, in a stable order: to compare two databases' outcomes. */
export function dumpDomainTables(db: Database): Record<string, unknown[]> {
  const order: Record<string, string> = {
    products: "session_id, id",
    reservations: "session_id, id",
    reservation_lines: "session_id, reservation_id, product_id",
    orders: "session_id, id",
    order_items: "session_id, order_id, line_no",
    payments: "session_id, id",
    events: "seq",
  };
  return Object.fromEntries(
    Object.entries(order).map(([table, by]) => [table, db.$client.query(`SELECT * FROM ${table} ORDER BY ${by}`).all()]),
  );
}
