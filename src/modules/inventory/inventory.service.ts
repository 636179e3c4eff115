import { and, asc, count, desc, eq, gte, inArray, notInArray, sql, sum } from "drizzle-orm";
import type { Deps } from "../../platform/deps";
import type { Executor, Tx } from "../../platform/db";
import { InvalidStateError } from "../../platform/errors";
import { perConnection } from "../../platform/prepared";
import type { OrderLine } from "../orders/orders.schemas";
import { type CatalogProduct, defaultCatalog } from "./catalog";
import type { PricedLine, ShortLine } from "./inventory.events";
import { type ProductJson, productToJson, reservationToJson } from "./inventory.schemas";
import { type ReservationRow, products, reservationLines, reservations } from "./inventory.sql";
import { mergeLines } from "./reservation-rules";

const p = sql.placeholder;

/** The queries every order runs, compiled once per connection (see platform/prepared.ts). */
const statements = perConnection((db) => ({
  reserveLine: db
    .update(products)
    .set({ reserved: sql`${products.reserved} + ${p("quantity")}`, version: sql`${products.version} + 1`, updatedAt: sql`${p("now")}` })
    .where(
      and(
        eq(products.sessionId, p("sessionId")),
        eq(products.id, p("product")),
        sql`${products.stockLevel} - ${products.reserved} >= ${p("quantity")}`,
      ),
    )
    .returning({ priceCents: products.priceCents })
    .prepare(),
  insertReservation: db
    .insert(reservations)
    .values({ id: p("id"), sessionId: p("sessionId"), orderId: p("orderId"), status: "PENDING", createdAt: p("now"), updatedAt: p("now") })
    .prepare(),
  insertReservationLine: db
    .insert(reservationLines)
    .values({
      sessionId: p("sessionId"),
      reservationId: p("reservationId"),
      productId: p("product"),
      quantity: p("quantity"),
      priceCents: p("priceCents"),
    })
    .prepare(),
  reservationOfOrder: db
    .select()
    .from(reservations)
    .where(and(eq(reservations.sessionId, p("sessionId")), eq(reservations.orderId, p("orderId"))))
    .prepare(),
  reservationLines: db
    .select()
    .from(reservationLines)
    .where(and(eq(reservationLines.sessionId, p("sessionId")), eq(reservationLines.reservationId, p("reservationId"))))
    .orderBy(asc(reservationLines.productId))
    .prepare(),
  settleLine: {
    CONFIRMED: db
      .update(products)
      .set({
        reserved: sql`${products.reserved} - ${p("quantity")}`,
        stockLevel: sql`${products.stockLevel} - ${p("quantity")}`,
        version: sql`${products.version} + 1`,
        updatedAt: sql`${p("now")}`,
      })
      .where(and(eq(products.sessionId, p("sessionId")), eq(products.id, p("product")), gte(products.reserved, p("quantity"))))
      .returning({ id: products.id })
      .prepare(),
    RELEASED: db
      .update(products)
      .set({ reserved: sql`${products.reserved} - ${p("quantity")}`, version: sql`${products.version} + 1`, updatedAt: sql`${p("now")}` })
      .where(and(eq(products.sessionId, p("sessionId")), eq(products.id, p("product")), gte(products.reserved, p("quantity"))))
      .returning({ id: products.id })
      .prepare(),
  },
  settleReservation: db
    .update(reservations)
    .set({ status: sql`${p("status")}`, updatedAt: sql`${p("now")}` })
    .where(and(eq(reservations.sessionId, p("sessionId")), eq(reservations.id, p("id")), eq(reservations.status, "PENDING")))
    .returning({ id: reservations.id })
    .prepare(),
}));

export function listProducts(db: Executor, sessionId: string): ProductJson[] {
  return db
    .select()
    .from(products)
    .where(eq(products.sessionId, sessionId))
    .orderBy(asc(products.name), asc(products.id))
    .all()
    .map(productToJson);
}

/**
 * Makes the session's catalog exactly `catalog`: existing products take the new name, price and
 * stock level and keep what is reserved for orders in flight; products not listed are removed.
 * Refused (409, nothing written) where that would leave reserved stock without a product or
 * above its stock level: let those sagas finish, or reset.
 */
export function seedCatalog(deps: Deps, sessionId: string, catalog: readonly CatalogProduct[] = defaultCatalog): ProductJson[] {
  const now = deps.clock.now();
  deps.db.transaction((tx) => {
    const ids = catalog.map((p) => p.id);
    const stranded = tx
      .select({ id: products.id, reserved: products.reserved })
      .from(products)
      .where(and(eq(products.sessionId, sessionId), notInArray(products.id, ids), sql`${products.reserved} > 0`))
      .all();
    const current = new Map(
      tx
        .select({ id: products.id, reserved: products.reserved })
        .from(products)
        .where(and(eq(products.sessionId, sessionId), inArray(products.id, ids)))
        .all()
        .map((p) => [p.id, p.reserved]),
    );
    const overReserved = catalog.filter((p) => (current.get(p.id) ?? 0) > p.stock_level);
    if (stranded.length > 0 || overReserved.length > 0) {
      const names = [...stranded.map((p) => p.id), ...overReserved.map((p) => p.id)].join(", ");
      throw new InvalidStateError(
        `Cannot seed: units of ${names} are reserved by orders in flight; wait for them to finish or POST /inventory/reset`,
      );
    }
    tx.delete(products)
      .where(and(eq(products.sessionId, sessionId), notInArray(products.id, ids)))
      .run();
    for (const p of catalog) {
      tx.insert(products)
        .values({ id: p.id, sessionId, name: p.name, priceCents: p.price_cents, stockLevel: p.stock_level, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [products.sessionId, products.id],
          set: {
            name: p.name,
            priceCents: p.price_cents,
            stockLevel: p.stock_level,
            version: sql`${products.version} + 1`,
            updatedAt: now,
          },
        })
        .run();
    }
  });
  return listProducts(deps.db, sessionId);
}

/** `POST /inventory/reset`: drops the session's reservations and inventory's processed records, reloads the default catalog. */
export function resetInventory(deps: Deps, sessionId: string): ProductJson[] {
  deps.db.transaction((tx) => {
    tx.delete(reservations).where(eq(reservations.sessionId, sessionId)).run();
    tx.delete(products).where(eq(products.sessionId, sessionId)).run();
    deps.bus.forgetProcessed(tx, sessionId, "inventory.");
  });
  return seedCatalog(deps, sessionId);
}

export function inventoryStats(db: Executor, sessionId: string) {
  const totals = db
    .select({
      totalProducts: count(),
      totalStock: sum(products.stockLevel).mapWith(Number),
      totalReserved: sum(products.reserved).mapWith(Number),
    })
    .from(products)
    .where(eq(products.sessionId, sessionId))
    .get();
  const byStatus = new Map(
    db
      .select({ status: reservations.status, n: count() })
      .from(reservations)
      .where(eq(reservations.sessionId, sessionId))
      .groupBy(reservations.status)
      .all()
      .map((r) => [r.status, r.n]),
  );
  const stock = totals?.totalStock ?? 0;
  const reserved = totals?.totalReserved ?? 0;
  const pending = byStatus.get("PENDING") ?? 0;
  const confirmed = byStatus.get("CONFIRMED") ?? 0;
  const released = byStatus.get("RELEASED") ?? 0;
  return {
    products: {
      total_products: totals?.totalProducts ?? 0,
      total_stock: stock,
      total_reserved: reserved,
      total_available: stock - reserved,
    },
    reservations: {
      pending_reservations: pending,
      confirmed_reservations: confirmed,
      released_reservations: released,
      total_reservations: pending + confirmed + released,
    },
  };
}

/** Thrown inside the savepoint to undo the lines already reserved when another line is short. */
class Shortage extends Error {}

export type ReserveOutcome =
  | { reserved: true; reservationId: string; items: PricedLine[]; totalCents: number }
  | { reserved: false; short: (ShortLine & { known: boolean })[] };

/**
 * All or nothing: each product is one conditional UPDATE (`stock_level - reserved >= qty`)
 * inside a savepoint; if any is short, the savepoint is rolled back and every short line is
 * reported with what is available now.
 */
export function reserveStock(
  tx: Tx,
  deps: Pick<Deps, "ids">,
  sessionId: string,
  orderId: string,
  items: readonly OrderLine[],
  now: number,
): ReserveOutcome {
  const lines = mergeLines(items);
  const priced: PricedLine[] = [];
  const shortIds: string[] = [];
  try {
    tx.transaction((sp) => {
      // Compiled on the connection, so it runs inside this savepoint.
      const { reserveLine } = statements(sp);
      for (const line of lines) {
        const row = reserveLine.get({ sessionId, product: line.product, quantity: line.quantity, now });
        if (row) priced.push({ ...line, priceCents: row.priceCents });
        else shortIds.push(line.product);
      }
      if (shortIds.length > 0) throw new Shortage();
    });
  } catch (error) {
    if (!(error instanceof Shortage)) throw error;
    const available = new Map(
      tx
        .select({ id: products.id, available: sql<number>`${products.stockLevel} - ${products.reserved}` })
        .from(products)
        .where(and(eq(products.sessionId, sessionId), inArray(products.id, shortIds)))
        .all()
        .map((p) => [p.id, p.available]),
    );
    const short = lines
      .filter((line) => shortIds.includes(line.product))
      .map((line) => ({
        product: line.product,
        requested: line.quantity,
        available: available.get(line.product) ?? 0,
        known: available.has(line.product),
      }));
    return { reserved: false, short };
  }
  const reservationId = `res_${deps.ids.uuid()}`;
  const prepared = statements(tx);
  prepared.insertReservation.run({ id: reservationId, sessionId, orderId, now });
  for (const line of priced) prepared.insertReservationLine.run({ sessionId, reservationId, ...line });
  const totalCents = priced.reduce((total, line) => total + line.quantity * line.priceCents, 0);
  return { reserved: true, reservationId, items: priced, totalCents };
}

export function findReservation(db: Executor, sessionId: string, orderId: string): ReservationRow | undefined {
  return statements(db).reservationOfOrder.get({ sessionId, orderId });
}

function reservationLinesOf(db: Executor, reservation: ReservationRow): PricedLine[] {
  return statements(db)
    .reservationLines.all({ sessionId: reservation.sessionId, reservationId: reservation.id })
    .map((l) => ({ product: l.productId, quantity: l.quantity, priceCents: l.priceCents }));
}

/**
 * Settles a PENDING reservation: CONFIRMED takes the units out of stock for good, RELEASED
 * hands them back. Each product line is a guarded UPDATE; a line that does not apply means
 * the books are broken, so it throws and the delivery is retried rather than half-applied.
 */
export function settleReservation(tx: Tx, reservation: ReservationRow, to: "CONFIRMED" | "RELEASED", now: number): PricedLine[] {
  const lines = reservationLinesOf(tx, reservation);
  const prepared = statements(tx);
  for (const line of lines) {
    // CONFIRMED also takes the units out of stock_level; RELEASED only un-reserves them.
    const applied = prepared.settleLine[to].get({ sessionId: reservation.sessionId, product: line.product, quantity: line.quantity, now });
    if (!applied) {
      throw new Error(
        `Reservation ${reservation.id} holds ${line.quantity} of ${line.product}, which the product does not show as reserved`,
      );
    }
  }
  const moved = prepared.settleReservation.get({ sessionId: reservation.sessionId, id: reservation.id, status: to, now });
  if (!moved) throw new Error(`Reservation ${reservation.id} is no longer PENDING`);
  return lines;
}

/**
 * `GET /inventory/reservations`: the session's reservations, newest first, each with its lines.
 * Two queries whatever the count: the lines are fetched for the whole page at once.
 */
export function listReservations(db: Executor, sessionId: string, limit: number) {
  const rows = db
    .select()
    .from(reservations)
    .where(eq(reservations.sessionId, sessionId))
    .orderBy(desc(reservations.createdAt), desc(reservations.id))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const lines = db
    .select()
    .from(reservationLines)
    .where(
      and(
        eq(reservationLines.sessionId, sessionId),
        inArray(
          reservationLines.reservationId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(reservationLines.productId))
    .all();
  const linesByReservation = Map.groupBy(lines, (line) => line.reservationId);
  return rows.map((row) =>
    reservationToJson(
      row,
      (linesByReservation.get(row.id) ?? []).map((l) => ({ product: l.productId, quantity: l.quantity, priceCents: l.priceCents })),
    ),
  );
}
