import { describe, expect, test } from "bun:test";
import { createSagaServer } from "../../src/compose";
import { defaultCatalog } from "../../src/modules/inventory/catalog";
import { restartableServer } from "./support/server-process";

/**
 * The rpc saga style's other lesson, on the real server: its saga's state is the caller's call
 * stack, so a kill -9 in the middle of the chain leaves what the calls wrote and nothing that
 * would finish it. Two chains are cut: one between ReserveInventory and Charge, one between
 * Charge and CommitReservation. After the restart nobody resumes them; the reservation is
 * released when its expiration_minutes run out, and with it the order times out
 * (cancellationSource "timeout"), the charge is refunded. Nothing is charged or kept.
 */

const server = restartableServer("saga-kill9-rpc-", {});
const { databasePath } = server;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Order = { id: string; status: string; cancellationSource: string | null };

async function json<T>(base: string, session: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { "x-session-id": session, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  return (await response.json()) as T;
}

/** Waits until the session's only order has an RPC_CALL of `method` on its log; answers the order's id. */
async function orderAfterCall(base: string, session: string, method: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [order] = await json<Order[]>(base, session, "/orders");
    if (order) {
      const events = await json<{ type: string; data: { method?: string } }[]>(base, session, `/orders/${order.id}/events`);
      if (events.some((e) => e.type === "RPC_CALL" && e.data.method === method)) return order.id;
    }
    await sleep(20);
  }
  throw new Error(`no ${method} call in ${session}`);
}

describe("kill -9 in the middle of an rpc-style saga", () => {
  test("the reservation is released by its expiration_minutes, which cancels the order as timed out (timeout); nothing is charged or kept", async () => {
    let base = await server.start();
    // Each session's demo delays stop its chain at a different call: the one that waits out its delay when the server dies.
    const cutBeforeCharge = { session: "rpc-cut-before-charge", settings: { inventoryDelayMs: 100, paymentDelayMs: 60_000 } };
    // Check, reserve and commit each wait 1.5 s: the kill comes between the charge and the commit.
    const cutBeforeCommit = { session: "rpc-cut-before-commit", settings: { inventoryDelayMs: 1_500, paymentDelayMs: 0 } };
    for (const { session, settings } of [cutBeforeCharge, cutBeforeCommit]) {
      await fetch(`${base}/inventory/seed`, { method: "POST", headers: { "x-session-id": session } });
      // The reservation expires after 1 minute (the RPC's unit); the order's own timeout is later still.
      await json(base, session, "/settings", {
        method: "PATCH",
        body: JSON.stringify({ ...settings, reservationTtlMs: 60_000, orderTimeoutMs: 600_000 }),
      });
    }
    const place = (session: string) =>
      fetch(`${base}/orders`, {
        method: "POST",
        headers: { "x-session-id": session, "content-type": "application/json" },
        body: JSON.stringify({ sagaStyle: "rpc", items: [{ product: "mouse-pad", quantity: 5 }] }),
      }).catch(() => null);
    const first = place(cutBeforeCharge.session);
    const second = place(cutBeforeCommit.session);
    const firstOrder = await orderAfterCall(base, cutBeforeCharge.session, "ReserveInventory");
    const secondOrder = await orderAfterCall(base, cutBeforeCommit.session, "Charge");
    // cut-before-commit's chain now waits 1.5 s before its commit, cut-before-charge's a minute before its charge: kill now.
    const reservedAt = Date.now();

    await server.stop();
    // Neither client was answered: the chain died with the process.
    expect(await first).toBeNull();
    expect(await second).toBeNull();
    base = await server.start();
    // The kill came before the commit: the chain's last record is the charge.
    const log = await json<{ type: string; data: { method?: string } }[]>(base, cutBeforeCommit.session, `/orders/${secondOrder}/events`);
    expect(log.filter((e) => e.type === "RPC_CALL").map((e) => e.data.method)).toEqual([
      "CheckInventoryAvailability",
      "ReserveInventory",
      "Charge",
    ]);

    // Right after the restart nothing has moved: the stock is still held, for orders in flight (not a violation).
    for (const [session, orderId] of [
      [cutBeforeCharge.session, firstOrder],
      [cutBeforeCommit.session, secondOrder],
    ] as const) {
      const order = await json<Order>(base, session, `/orders/${orderId}`);
      expect(order.status === "PENDING" || order.status === "PROCESSING").toBe(true);
      const [reservation] = await json<{ status: string }[]>(base, session, "/inventory/reservations");
      expect(reservation?.status).toBe("PENDING");
      expect(await json(base, session, "/consistency")).toEqual({ consistent: true, violations: [] });
    }
    expect((await json<{ status: string }[]>(base, cutBeforeCommit.session, "/payments"))[0]?.status).toBe("SUCCESS");

    // The expiration: a minute after the reservation (checked until a little after).
    const deadline = reservedAt + 75_000;
    const final = async () =>
      Promise.all([
        json<Order>(base, cutBeforeCharge.session, `/orders/${firstOrder}`),
        json<Order>(base, cutBeforeCommit.session, `/orders/${secondOrder}`),
      ]);
    let orders = await final();
    while (orders.some((o) => o.status !== "CANCELLED") && Date.now() < deadline) {
      await sleep(250);
      orders = await final();
    }
    expect(Date.now() - reservedAt).toBeGreaterThanOrEqual(55_000);
    expect(orders.map((o) => [o.status, o.cancellationSource])).toEqual([
      ["CANCELLED", "timeout"],
      ["CANCELLED", "timeout"],
    ]);
    for (const session of [cutBeforeCharge.session, cutBeforeCommit.session]) {
      const [reservation] = await json<{ status: string; releaseReason: string }[]>(base, session, "/inventory/reservations");
      expect(reservation).toEqual(expect.objectContaining({ status: "RELEASED", releaseReason: "expired" }));
      const pad = (await json<{ id: string; stock_level: number; reserved: number }[]>(base, session, "/inventory")).find(
        (p) => p.id === "mouse-pad",
      );
      expect(pad).toEqual(expect.objectContaining({ stock_level: 54, reserved: 0 }));
    }
    expect(await json(base, cutBeforeCharge.session, "/payments")).toEqual([]);
    // The refund follows the release (payments' own reaction): wait for it.
    let payments = await json<{ status: string }[]>(base, cutBeforeCommit.session, "/payments");
    while (payments[0]?.status !== "REFUNDED" && Date.now() < deadline + 5_000) {
      await sleep(100);
      payments = await json(base, cutBeforeCommit.session, "/payments");
    }
    expect(payments.map((p) => p.status)).toEqual(["REFUNDED"]);

    await server.stop("SIGTERM");
    const initialStock = new Map(
      [cutBeforeCharge.session, cutBeforeCommit.session].map((s) => [s, new Map(defaultCatalog.map((p) => [p.id, p.stock_level]))]),
    );
    const audit = createSagaServer({ databasePath });
    try {
      // Settled but for the orders' own timeouts, still scheduled: those orders are final, so they find nothing to do.
      expect(audit.checkConsistency({ initialStock })).toEqual({ consistent: true, violations: [] });
    } finally {
      audit.deps.db.$client.close();
    }
    const stderr = await server.stderr();
    expect(stderr.split("\n").filter((line) => /relay|fail|error|exception/i.test(line))).toEqual([]);
  }, 120_000);
});
