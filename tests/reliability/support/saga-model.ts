import fc from "fast-check";
import type { Violation } from "../../../src/consistency/invariants";
import { type BugSwitch, bugSwitches } from "../../../src/modules/bugs";
import { defaultCatalog } from "../../../src/modules/inventory/catalog";
import { orderKey } from "../../../src/platform/session";
import type { CrashableApp } from "./crashable-app";

/**
 * The model of a randomized run: what the outside world knows without looking at the saga's
 * internals. Per session: the stock each product started with (the conservation law's
 * right-hand side), the orders that were acknowledged and must never be lost, and the orders
 * whose cross-module pairing a single-module reset broke on purpose.
 */
export interface SessionModel {
  initialStock: Map<string, number>;
  liveOrders: Set<string>;
  historyCut: Set<string>;
  /** Idempotency keys the session used: the body they were sent with and the order they made. */
  keys: Map<string, { body: string; orderId: string }>;
  /** Orders whose cancel was answered 200: each must end refunded, whatever resets raced it (an orders reset does not clear it). */
  cancelAccepted: Set<string>;
  /** A switch of "Break it" was turned on: from then on its promises may break (turning it off repairs nothing), the others' must not. */
  bugsOn: boolean;
}
export type SagaModel = Map<string, SessionModel>;

export const modelSessions = ["shop-a", "shop-b", "tenant:c.d_e"] as const;
const productPool = ["laptop", "mouse", "p-1", "p-2", "p-3"] as const;
const behaviours = ["success", "failure", "random"] as const;

export function emptyModel(): SagaModel {
  return new Map(
    modelSessions.map((s) => [
      s,
      { initialStock: new Map(), liveOrders: new Set(), historyCut: new Set(), keys: new Map(), cancelAccepted: new Set(), bugsOn: false },
    ]),
  );
}

export class InvariantBroken extends Error {
  constructor(when: string, violations: readonly Violation[] | string[]) {
    super(
      `${when}:\n${violations.map((v) => (typeof v === "string" ? `  - ${v}` : `  - [${v.invariant}] ${v.sessionId}/${v.subject}: ${v.message}`)).join("\n")}`,
    );
  }
}

export function checkNow(model: SagaModel, real: CrashableApp, when: string, settled = false): void {
  const initialStock = new Map([...model].map(([s, m]) => [s, m.initialStock]));
  const historyCut = new Set([...model].flatMap(([s, m]) => [...m.historyCut].map((id) => orderKey(s, id))));
  const report = real.server.checkConsistency({ initialStock, historyCut, settled });
  const broken = new Set([...model].filter(([, m]) => m.bugsOn).map(([s]) => s));
  const violations = report.violations.filter((v) => !broken.has(v.sessionId));
  if (violations.length > 0) throw new InvariantBroken(when, violations);
  // A bug's writes may throw in its own session (stock taken twice when there is none left): only there.
  const errors = real.relayErrors.filter((error) => !broken.has(sessionOfLoggedEvent(real, error) ?? ""));
  if (errors.length > 0) throw new InvariantBroken(`${when}: a reaction threw`, errors);
}

/** The session of the event a relay log line names ("… on event #12 …"), if it is still in the log. */
function sessionOfLoggedEvent(real: CrashableApp, line: string): string | undefined {
  const seq = /event #(\d+)/.exec(line)?.[1];
  if (seq === undefined) return undefined;
  const row = real.sqlite.query("SELECT session_id AS sessionId FROM events WHERE seq = ?").get(Number(seq)) as {
    sessionId: string;
  } | null;
  return row?.sessionId;
}

/**
 * Once the bus has drained, no accepted cancel keeps its money: its payment is refunded, voided
 * or gone (a payments reset), whatever resets raced it. The checker cannot see this for an order
 * an orders reset removed before its cancel reached the bus; the model remembers the answer.
 */
export function checkAcceptedCancels(model: SagaModel, real: CrashableApp): void {
  const kept: string[] = [];
  for (const [session, m] of model) {
    if (m.cancelAccepted.size === 0 || m.bugsOn) continue;
    const rows = real.sqlite
      .query(
        "SELECT order_id AS orderId FROM payments WHERE session_id = ? AND status = 'SUCCESS' AND order_id IN (SELECT value FROM json_each(?))",
      )
      .all(session, JSON.stringify([...m.cancelAccepted])) as { orderId: string }[];
    for (const { orderId } of rows) kept.push(`${session}/${orderId}: its cancel was accepted, and its payment is still SUCCESS`);
  }
  if (kept.length > 0) throw new InvariantBroken("after draining", kept);
}

/** Units of each product already confirmed in a session: the ledger's opening balance when a seed overwrites stock levels. */
function confirmedUnits(real: CrashableApp, session: string): Map<string, number> {
  const rows = real.sqlite
    .query(
      `SELECT l.product_id AS product, sum(l.quantity) AS units FROM reservation_lines l
       JOIN reservations r ON r.session_id = l.session_id AND r.id = l.reservation_id
       WHERE l.session_id = ? AND r.status = 'CONFIRMED' AND r.restocked_at IS NULL GROUP BY l.product_id`,
    )
    .all(session) as { product: string; units: number }[];
  const units = new Map(rows.map((r) => [r.product, r.units]));
  // Units sold to orders an orders reset removed (their reservations are gone) stay taken.
  const sold = real.sqlite
    .query("SELECT id AS product, sold_to_reset_orders AS units FROM products WHERE session_id = ? AND sold_to_reset_orders > 0")
    .all(session) as { product: string; units: number }[];
  for (const { product, units: n } of sold) units.set(product, (units.get(product) ?? 0) + n);
  return units;
}

/** Runs `act`, then proves that no session other than `touched` changed (all sessions when `touched` is null). */
async function isolated<T>(real: CrashableApp, touched: string | null, act: () => T | Promise<T>): Promise<T> {
  const others = modelSessions.filter((s) => s !== touched);
  const before = others.map((s) => real.sessionDigest(s));
  const result = await act();
  others.forEach((s, i) => {
    if (real.sessionDigest(s) !== before[i])
      throw new InvariantBroken("isolation", [`session ${s} changed by a command of ${touched ?? "nobody"}`]);
  });
  return result;
}

/** Each command acts, then the whole database is checked mid-flight, so a shrunk failure ends at the command that broke it. */
abstract class SagaCommand implements fc.AsyncCommand<SagaModel, CrashableApp> {
  check() {
    return true;
  }
  abstract act(model: SagaModel, real: CrashableApp): Promise<void>;
  async run(model: SagaModel, real: CrashableApp) {
    await this.act(model, real);
    checkNow(model, real, `after ${this.toString()}`);
  }
}

function expectStatus(answer: { status: number; text: string }, allowed: number[], what: string): void {
  if (!allowed.includes(answer.status)) throw new Error(`${what} answered ${answer.status}: ${answer.text}`);
}

class SeedCatalog extends SagaCommand {
  constructor(
    readonly session: string,
    readonly custom: { id: string; stock_level: number; price_cents: number }[] | null,
  ) {
    super();
  }
  async act(model: SagaModel, real: CrashableApp) {
    const body = this.custom ? { products: this.custom.map((p) => ({ ...p, name: `Product ${p.id}` })) } : undefined;
    const before = real.sessionDigest(this.session);
    const answer = await isolated(real, this.session, () => real.request("POST", "/inventory/seed", this.session, body));
    expectStatus(answer, [200, 409], "seed");
    if (answer.status === 409) {
      if (real.sessionDigest(this.session) !== before) throw new InvariantBroken("seed", ["a refused seed wrote rows"]);
      return;
    }
    const confirmed = confirmedUnits(real, this.session);
    const catalog = this.custom ?? defaultCatalog;
    model.get(this.session)!.initialStock = new Map(catalog.map((p) => [p.id, p.stock_level + (confirmed.get(p.id) ?? 0)]));
  }
  override toString() {
    return this.custom
      ? `seed(${this.session}, ${JSON.stringify(this.custom.map((p) => [p.id, p.stock_level]))})`
      : `seedDefault(${this.session})`;
  }
}

class PlaceOrder extends SagaCommand {
  constructor(
    readonly session: string,
    readonly items: { product: string; quantity: number }[],
    readonly paymentBehaviour: string,
    readonly inventoryBehaviour: string,
    readonly skipDemoDelays: boolean,
    /** rpc: the order service calls inventory and payments within the request (without demo delays: the model moves no timer). */
    readonly sagaStyle: string,
    /** Asked of shipping; only orders placed while the session's shipment step is on are shipped. */
    readonly shippingBehaviour: string | null = null,
  ) {
    super();
  }
  /** With a key: the same key and body answer the first order again (replayed), another body is refused. */
  idempotencyKey: string | null = null;

  async act(model: SagaModel, real: CrashableApp) {
    const body = {
      items: this.items,
      paymentBehaviour: this.paymentBehaviour,
      inventoryBehaviour: this.inventoryBehaviour,
      skipDemoDelays: this.skipDemoDelays || this.sagaStyle === "rpc",
      sagaStyle: this.sagaStyle,
      ...(this.shippingBehaviour !== null ? { shippingBehaviour: this.shippingBehaviour } : {}),
    };
    const m = model.get(this.session)!;
    const headers: Record<string, string> = this.idempotencyKey ? { "idempotency-key": this.idempotencyKey } : {};
    const known = this.idempotencyKey ? m.keys.get(this.idempotencyKey) : undefined;
    const answer = await isolated(real, this.session, () => real.request("POST", "/orders", this.session, body, headers));
    if (known && known.body !== JSON.stringify(body)) {
      expectStatus(answer, [422], "a key reused with another body");
      return;
    }
    expectStatus(answer, [200], "place order");
    if (known) {
      if (answer.body.id !== known.orderId || answer.headers.get("idempotent-replayed") !== "true") {
        throw new InvariantBroken("idempotency", [`key ${this.idempotencyKey} answered ${answer.body.id}, first ${known.orderId}`]);
      }
      return;
    }
    // An rpc-style order is answered when its chain of calls has ended.
    const expected = this.sagaStyle === "rpc" ? ["COMPLETED", "CANCELLED"] : ["PENDING"];
    if (!expected.includes(answer.body.status) || JSON.stringify(answer.body.items) !== JSON.stringify(this.items)) {
      throw new Error(`order answered wrongly: ${answer.text}`);
    }
    m.liveOrders.add(answer.body.id);
    if (this.idempotencyKey) m.keys.set(this.idempotencyKey, { body: JSON.stringify(body), orderId: answer.body.id });
  }
  override toString() {
    const key = this.idempotencyKey ? `, key=${this.idempotencyKey}` : "";
    return `order(${this.session}, ${JSON.stringify(this.items.map((l) => [l.product, l.quantity]))}, pay=${this.paymentBehaviour}, inv=${this.inventoryBehaviour}, ship=${this.shippingBehaviour}, skip=${this.skipDemoDelays}, ${this.sagaStyle}${key})`;
  }
}

/** A customer's cancel or an operator's compensation of one of the session's orders, at any point of its saga. */
class CancelOrder extends SagaCommand {
  constructor(
    readonly session: string,
    readonly pick: number,
    readonly by: "customer" | "operator",
  ) {
    super();
  }
  async act(model: SagaModel, real: CrashableApp) {
    const orders = [...model.get(this.session)!.liveOrders].sort();
    if (orders.length === 0) return;
    const orderId = orders[Math.floor(this.pick * orders.length)]!;
    const order = await real.request("GET", `/orders/${orderId}`, this.session);
    expectStatus(order, [200], "the order to cancel");
    const path = this.by === "customer" ? `/orders/${orderId}/cancel?wait=0` : `/sagas/${order.body.sagaId}/compensate`;
    const answer = await isolated(real, this.session, () => real.request("POST", path, this.session));
    // 409: already cancelled (by its saga, or an earlier cancel).
    expectStatus(answer, order.body.status === "CANCELLED" ? [409] : [200], `${this.by} cancel`);
    if (answer.status === 200) model.get(this.session)!.cancelAccepted.add(orderId);
  }
  override toString() {
    return `cancel(${this.session}, ${this.pick.toFixed(3)}, by ${this.by})`;
  }
}

/**
 * A cancel and an orders reset sent together, nothing delivered in between: the reset races the
 * cancel's whole compensation (a completed order's restock and refund, a cancelled order's refund).
 */
class CancelThenReset extends SagaCommand {
  constructor(
    readonly session: string,
    readonly pick: number,
  ) {
    super();
  }
  async act(model: SagaModel, real: CrashableApp) {
    await new CancelOrder(this.session, this.pick, "customer").act(model, real);
    await new Reset(this.session, ["orders"]).act(model, real);
  }
  override toString() {
    return `cancelThenReset(${this.session}, ${this.pick.toFixed(3)})`;
  }
}

/** The clock's knobs: reservations that expire, orders that time out, at any moment of any saga. */
class SetTimers extends SagaCommand {
  constructor(
    readonly session: string,
    readonly reservationTtlMs: number | null,
    readonly orderTimeoutMs: number,
  ) {
    super();
  }
  async act(_model: SagaModel, real: CrashableApp) {
    const body = { reservationTtlMs: this.reservationTtlMs, orderTimeoutMs: this.orderTimeoutMs };
    const answer = await isolated(real, this.session, () => real.request("PATCH", "/settings", this.session, body));
    expectStatus(answer, [200], "timers");
  }
  override toString() {
    return `timers(${this.session}, ttl=${this.reservationTtlMs}, timeout=${this.orderTimeoutMs})`;
  }
}

/** The shipment step turned on or off: orders placed from then on keep what it was (their sagas in flight never change shape). */
class SetShipmentStep extends SagaCommand {
  constructor(
    readonly session: string,
    readonly on: boolean,
    readonly failureRate: number,
  ) {
    super();
  }
  async act(_model: SagaModel, real: CrashableApp) {
    const body = { shipmentStep: this.on, shippingFailureRate: this.failureRate };
    const answer = await isolated(real, this.session, () => real.request("PATCH", "/settings", this.session, body));
    expectStatus(answer, [200], "shipment step");
  }
  override toString() {
    return `shipmentStep(${this.session}, ${this.on}, failures=${this.failureRate})`;
  }
}

/**
 * "Break it": switches turned on (or off) in one session. Only that session may break its
 * promises; the isolation check proves no other session changes, and the checker that the
 * others stay consistent. The dual write never crashes here (crashBetweenWritesRate 0), so
 * every acknowledged order exists.
 */
class SetBugs extends SagaCommand {
  constructor(
    readonly session: string,
    readonly bugs: BugSwitch[],
  ) {
    super();
  }
  async act(model: SagaModel, real: CrashableApp) {
    const body = { bugs: this.bugs, crashBetweenWritesRate: 0 };
    const answer = await isolated(real, this.session, () => real.request("PATCH", "/settings", this.session, body));
    expectStatus(answer, [200], "bugs");
    const m = model.get(this.session);
    if (m && this.bugs.length > 0) m.bugsOn = true;
  }
  override toString() {
    return `bugs(${this.session}, [${this.bugs.join(", ")}])`;
  }
}

interface DeliveryRow {
  id: number;
  session_id: string;
  due_at: number;
}

function deliveriesNow(real: CrashableApp): DeliveryRow[] {
  return real.sqlite.query("SELECT id, session_id, due_at FROM deliveries ORDER BY due_at, id").all() as DeliveryRow[];
}

/** The next event the relay has not read yet (its reactions are due at once, or get scheduled). */
function unreadNow(real: CrashableApp): { session_id: string; timestamp: number } | undefined {
  return real.sqlite
    .query("SELECT session_id, timestamp FROM events WHERE seq > (SELECT last_seq FROM relay_cursor) ORDER BY seq LIMIT 1")
    .get() as { session_id: string; timestamp: number } | undefined;
}

/** The relay's normal path: the next event past its cursor, else the next scheduled delivery, moving time forward to it if need be. */
class DeliverNext extends SagaCommand {
  async act(_model: SagaModel, real: CrashableApp) {
    const unread = unreadNow(real);
    const next = unread ? { session_id: unread.session_id, due_at: unread.timestamp } : deliveriesNow(real)[0];
    if (!next) return;
    real.clock.set(Math.max(real.clock.now(), next.due_at));
    await isolated(real, next.session_id, () => real.server.relay.runDue(1));
  }
  override toString() {
    return "deliverNext";
  }
}

/** Any scheduled delivery first, whatever its due time: retries and demo delays make any order possible. */
class DeliverOutOfOrder extends SagaCommand {
  constructor(readonly pick: number) {
    super();
  }
  async act(_model: SagaModel, real: CrashableApp) {
    const all = deliveriesNow(real);
    if (all.length === 0) return;
    const chosen = [...all].sort((a, b) => a.id - b.id)[Math.floor(this.pick * all.length)]!;
    // Before everything else that is due, unread events included.
    const first = Math.min(real.clock.now(), all[0]!.due_at, unreadNow(real)?.timestamp ?? Number.POSITIVE_INFINITY) - 1;
    real.sqlite.query("UPDATE deliveries SET due_at = ? WHERE id = ?").run(first, chosen.id);
    await isolated(real, chosen.session_id, () => real.server.relay.runDue(1));
  }
  override toString() {
    return `deliverOutOfOrder(${this.pick.toFixed(3)})`;
  }
}

/** A duplicate: any committed event, delivered again to every reaction. */
class Redeliver extends SagaCommand {
  constructor(readonly pick: number) {
    super();
  }
  async act(_model: SagaModel, real: CrashableApp) {
    const seqs = real.sqlite.query("SELECT session_id AS sessionId, session_seq AS seq FROM events ORDER BY seq").all() as {
      sessionId: string;
      seq: number;
    }[];
    if (seqs.length === 0) return;
    const { sessionId, seq } = seqs[Math.floor(this.pick * seqs.length)]!;
    const event = real.server.deps.bus.log.sessionEvent(sessionId, seq);
    if (!event) return;
    await isolated(real, event.sessionId, () => real.server.steering.redeliver(event));
  }
  override toString() {
    return `redeliver(${this.pick.toFixed(3)})`;
  }
}

class AdvanceTime extends SagaCommand {
  constructor(readonly ms: number) {
    super();
  }
  async act(_model: SagaModel, real: CrashableApp) {
    real.clock.advance(this.ms);
    real.server.relay.runDue();
  }
  override toString() {
    return `advance(${this.ms}ms)`;
  }
}

class Crash extends SagaCommand {
  async act(_model: SagaModel, real: CrashableApp) {
    await isolated(real, null, () => real.crash());
  }
  override toString() {
    return "crash+restart";
  }
}

type Resettable = "orders" | "inventory" | "payments";

/** Resets, each its own request: the three together are a session reset, one alone cuts some history on purpose. */
class Reset extends SagaCommand {
  constructor(
    readonly session: string,
    readonly modules: Resettable[],
  ) {
    super();
  }
  async act(model: SagaModel, real: CrashableApp) {
    const m = model.get(this.session)!;
    for (const module of this.modules) {
      const answer = await isolated(real, this.session, () => real.request("POST", `/${module}/reset`, this.session));
      expectStatus(answer, [200], `${module} reset`);
      if (module === "orders") {
        m.liveOrders.clear();
        m.historyCut.clear();
        m.keys.clear();
      } else {
        // The orders that exist now lose their reservation or payment to the reset.
        for (const id of m.liveOrders) m.historyCut.add(id);
        if (module === "inventory") m.initialStock = new Map(defaultCatalog.map((p) => [p.id, p.stock_level]));
      }
    }
  }
  override toString() {
    return `reset(${this.session}, ${this.modules.join("+")})`;
  }
}

const session = fc.constantFrom(...modelSessions);
const pick = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const placeOrder = fc
  .record({
    session,
    items: fc.array(
      fc.record({
        product: fc.constantFrom(...productPool, "ghost"),
        quantity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 80 })),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    pay: fc.constantFrom(...behaviours),
    inv: fc.constantFrom("success", "success", "random", "failure"),
    skip: fc.boolean(),
    // The styles mixed in one session: each saga keeps its own, whatever the others do.
    style: fc.constantFrom("choreography", "orchestration", "rpc"),
    ship: fc.constantFrom(null, null, "success", "failure", "random"),
  })
  .map((o) => new PlaceOrder(o.session, o.items, o.pay, o.inv, o.skip, o.style, o.ship));

/** Orders sent with one of a few keys: repeats (same or another body) are idempotent retries. */
const placeOrderWithKey = fc
  .tuple(placeOrder, fc.constantFrom("k1", "k2", "k3"))
  .map(([order, key]) => Object.assign(order, { idempotencyKey: key }));

/** Weighted by repetition: orders and deliveries are most of a workshop's traffic. */
export const sagaCommands = [
  fc
    .tuple(
      session,
      fc.option(
        fc.uniqueArray(
          fc.record({
            id: fc.constantFrom(...productPool),
            stock_level: fc.integer({ min: 0, max: 12 }),
            price_cents: fc.integer({ min: 1, max: 5_000 }),
          }),
          { minLength: 1, maxLength: 5, selector: (p) => p.id },
        ),
        { freq: 2 },
      ),
    )
    .map(([s, custom]) => new SeedCatalog(s, custom)),
  placeOrder,
  placeOrder,
  placeOrder,
  fc.constant(new DeliverNext()),
  fc.constant(new DeliverNext()),
  fc.constant(new DeliverNext()),
  fc.constant(new DeliverNext()),
  pick.map((p) => new DeliverOutOfOrder(p)),
  pick.map((p) => new DeliverOutOfOrder(p)),
  pick.map((p) => new Redeliver(p)),
  placeOrderWithKey,
  fc.tuple(session, pick, fc.constantFrom("customer" as const, "operator" as const)).map(([s, p, by]) => new CancelOrder(s, p, by)),
  fc.tuple(session, pick, fc.constantFrom("customer" as const, "operator" as const)).map(([s, p, by]) => new CancelOrder(s, p, by)),
  fc
    .tuple(session, fc.option(fc.integer({ min: 1_000, max: 8_000 }), { freq: 2 }), fc.integer({ min: 2_000, max: 30_000 }))
    .map(([s, ttl, timeout]) => new SetTimers(s, ttl, timeout)),
  fc
    .tuple(session, fc.option(fc.integer({ min: 1_000, max: 8_000 }), { freq: 2 }), fc.integer({ min: 2_000, max: 30_000 }))
    .map(([s, ttl, timeout]) => new SetTimers(s, ttl, timeout)),
  fc.tuple(session, fc.boolean(), fc.constantFrom(0, 0, 0.3, 1)).map(([s, on, rate]) => new SetShipmentStep(s, on, rate)),
  fc.integer({ min: 0, max: 9_000 }).map((ms) => new AdvanceTime(ms)),
  fc.tuple(session, fc.subarray([...bugSwitches])).map(([s, bugs]) => new SetBugs(s, bugs)),
  fc.constant(new Crash()),
  fc.tuple(session, pick).map(([s, p]) => new CancelThenReset(s, p)),
  fc
    .tuple(session, fc.shuffledSubarray<Resettable>(["orders", "inventory", "payments"], { minLength: 1 }))
    .map(([s, m]) => new Reset(s, m)),
];
