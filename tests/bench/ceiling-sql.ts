/**
 * Ceiling B: one request performs every SQL write of a successful saga directly, in one
 * transaction, with no bus (no deliveries, no processed records, no relay): the order and its
 * lines, the reservation, the payment, the stock confirmation, the final order status and the
 * five events of the saga's log. Same migrations, same pragmas (WAL, synchronous NORMAL), same
 * drizzle tables as the real server, with prepared statements: this is what the database work
 * of one saga costs at best, so the real saga's ratio to it is the price of the bus.
 */
import { and, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { events } from "../../src/bus/bus.sql";
import { readServerConfig } from "../../src/platform/config";
import { openDatabase } from "../../src/platform/db";
import { products, reservationLines, reservations } from "../../src/modules/inventory/inventory.sql";
import { orderItems, orders } from "../../src/modules/orders/orders.sql";
import { payments } from "../../src/modules/payments/payments.sql";

const config = readServerConfig(process.env);
const db = openDatabase({ path: config.databasePath, synchronous: config.synchronous });
const p = sql.placeholder;

const insertOrder = db
  .insert(orders)
  .values({
    id: p("orderId"),
    sessionId: p("sessionId"),
    sagaId: p("sagaId"),
    status: "PENDING",
    paymentBehaviour: "success",
    inventoryBehaviour: "success",
    skipDemoDelays: true,
    createdAt: p("now"),
    updatedAt: p("now"),
  })
  .prepare();
const insertItem = db
  .insert(orderItems)
  .values({ sessionId: p("sessionId"), orderId: p("orderId"), lineNo: p("lineNo"), product: p("product"), quantity: p("quantity") })
  .prepare();
const insertEvent = db
  .insert(events)
  .values({
    id: p("id"),
    sessionId: p("sessionId"),
    type: p("type"),
    sagaId: p("sagaId"),
    orderId: p("orderId"),
    causationId: p("causationId"),
    timestamp: p("now"),
    data: p("data"),
  })
  .prepare();
const reserve = db
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
  .prepare();
const insertReservation = db
  .insert(reservations)
  .values({
    id: p("reservationId"),
    sessionId: p("sessionId"),
    orderId: p("orderId"),
    status: "PENDING",
    createdAt: p("now"),
    updatedAt: p("now"),
  })
  .prepare();
const insertReservationLine = db
  .insert(reservationLines)
  .values({
    sessionId: p("sessionId"),
    reservationId: p("reservationId"),
    productId: p("product"),
    quantity: p("quantity"),
    priceCents: p("priceCents"),
  })
  .prepare();
const moveOrder = db
  .update(orders)
  .set({
    status: sql`${p("status")}`,
    totalCents: sql`${p("totalCents")}`,
    completedAt: sql`${p("completedAt")}`,
    updatedAt: sql`${p("now")}`,
  })
  .where(and(eq(orders.sessionId, p("sessionId")), eq(orders.id, p("orderId"))))
  .prepare();
const insertPayment = db
  .insert(payments)
  .values({
    id: p("paymentId"),
    sessionId: p("sessionId"),
    orderId: p("orderId"),
    amountCents: p("amountCents"),
    status: "PENDING",
    createdAt: p("now"),
    updatedAt: p("now"),
  })
  .prepare();
const chargePayment = db
  .update(payments)
  .set({ status: "SUCCESS", version: sql`${payments.version} + 1`, updatedAt: sql`${p("now")}` })
  .where(and(eq(payments.sessionId, p("sessionId")), eq(payments.id, p("paymentId")), eq(payments.status, "PENDING")))
  .prepare();
const confirmStock = db
  .update(products)
  .set({
    reserved: sql`${products.reserved} - ${p("quantity")}`,
    stockLevel: sql`${products.stockLevel} - ${p("quantity")}`,
    version: sql`${products.version} + 1`,
    updatedAt: sql`${p("now")}`,
  })
  .where(and(eq(products.sessionId, p("sessionId")), eq(products.id, p("product")), sql`${products.reserved} >= ${p("quantity")}`))
  .prepare();
const confirmReservation = db
  .update(reservations)
  .set({ status: "CONFIRMED", updatedAt: sql`${p("now")}` })
  .where(and(eq(reservations.sessionId, p("sessionId")), eq(reservations.id, p("reservationId")), eq(reservations.status, "PENDING")))
  .prepare();
const seedProduct = db
  .insert(products)
  .values({
    id: p("id"),
    sessionId: p("sessionId"),
    name: p("name"),
    priceCents: p("priceCents"),
    stockLevel: p("stockLevel"),
    createdAt: p("now"),
    updatedAt: p("now"),
  })
  .onConflictDoUpdate({ target: [products.sessionId, products.id], set: { stockLevel: sql`excluded.stock_level` } })
  .prepare();

interface Line {
  product: string;
  quantity: number;
}

/** Every write of one successful saga, in the order the real saga makes them, in one transaction. */
function runSaga(sessionId: string, items: Line[]) {
  const now = Date.now();
  const orderId = Bun.randomUUIDv7();
  const sagaId = Bun.randomUUIDv7();
  const reservationId = `res_${Bun.randomUUIDv7()}`;
  const paymentId = `txn_${Bun.randomUUIDv7()}`;
  return db.transaction(() => {
    let causationId: string | null = null;
    const event = (type: string, data: unknown) => {
      const id = Bun.randomUUIDv7();
      insertEvent.run({ id, sessionId, type, sagaId, orderId, causationId, now, data });
      causationId = id;
    };
    insertOrder.run({ orderId, sessionId, sagaId, now });
    items.forEach((line, lineNo) => insertItem.run({ sessionId, orderId, lineNo, ...line }));
    event("ORDER_CREATED", { items, paymentBehaviour: "success", inventoryBehaviour: "success", skipDemoDelays: true, userId: null });
    let totalCents = 0;
    const priced = items.map((line) => {
      const row = reserve.get({ sessionId, now, ...line });
      if (!row) throw new Error(`out of stock: ${line.product}`);
      totalCents += row.priceCents * line.quantity;
      return { ...line, priceCents: row.priceCents };
    });
    insertReservation.run({ reservationId, sessionId, orderId, now });
    for (const line of priced) insertReservationLine.run({ sessionId, reservationId, ...line });
    event("INVENTORY_RESERVED", { reservationId, items: priced, totalCents, paymentBehaviour: "success", skipDemoDelays: true });
    moveOrder.run({ sessionId, orderId, status: "PROCESSING", totalCents, completedAt: null, now });
    insertPayment.run({ paymentId, sessionId, orderId, amountCents: totalCents, now });
    chargePayment.run({ sessionId, paymentId, now });
    event("PAYMENT_SUCCESS", { paymentId, amount: totalCents / 100, amountCents: totalCents });
    for (const line of priced) confirmStock.run({ sessionId, now, ...line });
    confirmReservation.run({ sessionId, reservationId, now });
    event("INVENTORY_CONFIRMED", { reservationId, items: priced, totalCents });
    moveOrder.run({ sessionId, orderId, status: "COMPLETED", totalCents, completedAt: now, now });
    event("ORDER_COMPLETED", { totalCents });
    return { id: orderId, sagaId, sessionId, status: "COMPLETED", totalCents };
  });
}

const app = new Hono()
  .get("/health", (c) => c.json({ status: "ok" }))
  .post("/seed", async (c) => {
    const sessionId = c.req.header("x-session-id") ?? "";
    const { products: list } = (await c.req.json()) as {
      products: { id: string; name: string; stock_level: number; price_cents: number }[];
    };
    const now = Date.now();
    db.transaction(() => {
      for (const item of list)
        seedProduct.run({ id: item.id, sessionId, name: item.name, priceCents: item.price_cents, stockLevel: item.stock_level, now });
    });
    return c.json({ ok: true });
  })
  .post("/saga", async (c) => {
    const sessionId = c.req.header("x-session-id") ?? "";
    const { items } = (await c.req.json()) as { items: Line[] };
    return c.json(runSaga(sessionId, items));
  });

const server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch });
console.log(`ceiling B listening on http://${server.hostname}:${server.port}`);
process.on("SIGTERM", () => {
  db.$client.close();
  process.exit(0);
});
