import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { InventoryService } from "../../../src/gen/inventory/v1/inventory_pb";
import { type GrpcServer, startGrpcServer } from "../../../src/rpc/grpc-server";
import { grpc, grpcJsClient, inventoryClient, mainPortTransports, paymentsClient } from "../../support/rpc-clients";
import { createTestApp } from "../../support/test-app";

// Real clients against real listeners: Bun.serve in-process on the app (Connect JSON, Connect
// binary, gRPC-Web), and the gRPC server on its own port for @grpc/grpc-js. Time and the relay
// are still driven by hand (a manual clock; settle() delivers).
const t = createTestApp();
let http: ReturnType<typeof Bun.serve>;
let grpcServer: GrpcServer;
let baseUrl: string;
let sessionNo = 0;

/** A fresh session with the default catalog (mouse-pad: 54 at $24.99). */
async function freshSession() {
  sessionNo += 1;
  const session = `rpc-${sessionNo}`;
  await t.request("POST", "/inventory/seed", { session });
  return { session, headers: { "x-session-id": session } };
}

const product = (session: string, id: string) =>
  t.request("GET", "/inventory", { session }).then((answer) => answer.body.find((p: { id: string }) => p.id === id));

beforeAll(async () => {
  http = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: t.app.fetch });
  baseUrl = `http://127.0.0.1:${http.port}`;
  grpcServer = await startGrpcServer(t.rpcServices, { port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await http.stop(true);
  await grpcServer.close();
});

describe("InventoryService over Connect and gRPC-Web on the main port", () => {
  for (const name of ["Connect (JSON)", "Connect (binary)", "gRPC-Web"]) {
    test(`${name}: check, reserve, commit: an ordinary reservation, confirmed`, async () => {
      const client = inventoryClient(mainPortTransports(baseUrl)[name]!);
      const { session, headers } = await freshSession();

      const check = await client.checkInventoryAvailability(
        {
          items: [
            { productId: "mouse-pad", sku: "MP-1", quantity: 5 },
            { productId: "no-such-thing", quantity: 1 },
          ],
        },
        { headers },
      );
      expect(check.allAvailable).toBe(false);
      expect(
        check.items.map(({ productId, sku, requestedQuantity, availableQuantity, isAvailable, status }) => ({
          productId,
          sku,
          requestedQuantity,
          availableQuantity,
          isAvailable,
          status,
        })),
      ).toEqual([
        { productId: "mouse-pad", sku: "MP-1", requestedQuantity: 5, availableQuantity: 54, isAvailable: true, status: "IN_STOCK" },
        { productId: "no-such-thing", sku: "", requestedQuantity: 1, availableQuantity: 0, isAvailable: false, status: "UNKNOWN_PRODUCT" },
      ]);

      const reserved = await client.reserveInventory(
        { items: [{ inventoryItemId: "mouse-pad", quantity: 5 }], referenceId: "cart-1", referenceType: "CART", expirationMinutes: 10 },
        { headers },
      );
      expect(reserved.success).toBe(true);
      expect(reserved.totalCents).toBe(12_495n);
      expect(reserved.reservationId).toStartWith("res_");
      const listed = await t.request("GET", "/inventory/reservations", { session });
      expect(listed.body).toEqual([
        expect.objectContaining({
          id: reserved.reservationId,
          orderId: "cart-1",
          status: "PENDING",
          items: [{ product: "mouse-pad", quantity: 5, priceCents: 2499 }],
        }),
      ]);
      expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ stock_level: 54, reserved: 5 }));
      // Held for a reference still in flight (its expiry is scheduled): not a violation.
      expect(t.checkConsistency({ sessionId: session }).violations).toEqual([]);

      const committed = await client.commitReservation({ reservationId: reserved.reservationId }, { headers });
      expect({ success: committed.success, message: committed.message }).toEqual({ success: true, message: "Committed" });
      expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ stock_level: 49, reserved: 0 }));
      expect((await client.commitReservation({ reservationId: reserved.reservationId }, { headers })).message).toBe("Already committed");
      expect((await client.cancelReservation({ reservationId: reserved.reservationId }, { headers })).success).toBe(false);
      expect(t.checkConsistency({ sessionId: session }).violations).toEqual([]);
    });
  }

  test("a reserve that lacks stock answers success: false with the short lines, and holds nothing", async () => {
    const client = inventoryClient(mainPortTransports(baseUrl)["Connect (binary)"]!);
    const { session, headers } = await freshSession();
    const answer = await client.reserveInventory(
      {
        items: [
          { inventoryItemId: "mouse-pad", quantity: 2 },
          { inventoryItemId: "laptop", quantity: 500 },
        ],
        referenceId: "cart-2",
        referenceType: "CART",
        expirationMinutes: 5,
      },
      { headers },
    );
    expect({ success: answer.success, reservationId: answer.reservationId }).toEqual({ success: false, reservationId: "" });
    expect(answer.message).toMatch(/^Insufficient stock: laptop \(requested: 500, available: \d+\)$/);
    expect((await t.request("GET", "/inventory/reservations", { session })).body).toEqual([]);
    expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ reserved: 0 }));
  });

  test("bad input is invalid_argument, a missing session too (naming x-session-id), an unknown reservation not_found", async () => {
    const client = inventoryClient(mainPortTransports(baseUrl)["Connect (JSON)"]!);
    const { headers } = await freshSession();
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error("expected the call to fail");
        },
        (error) => {
          const e = ConnectError.from(error);
          return { code: e.code, message: e.rawMessage };
        },
      );
    expect(await failure(client.reserveInventory({ items: [], referenceId: "x", expirationMinutes: 5 }, { headers }))).toEqual({
      code: Code.InvalidArgument,
      message: expect.stringContaining("items"),
    });
    expect(
      await failure(
        client.reserveInventory(
          { items: [{ inventoryItemId: "mouse-pad", quantity: 1 }], referenceId: "x", expirationMinutes: -1 },
          { headers },
        ),
      ),
    ).toEqual({ code: Code.InvalidArgument, message: expect.stringContaining("expirationMinutes") });
    expect(await failure(client.checkInventoryAvailability({ items: [{ productId: "mouse-pad", quantity: 1 }] }))).toEqual({
      code: Code.InvalidArgument,
      message: expect.stringContaining("x-session-id"),
    });
    expect(await failure(client.commitReservation({ reservationId: "res_nope" }, { headers }))).toEqual({
      code: Code.NotFound,
      message: "Reservation res_nope not found",
    });
  });

  test("a reservation neither committed nor cancelled is released when its expiration_minutes run out", async () => {
    const client = inventoryClient(mainPortTransports(baseUrl)["Connect (JSON)"]!);
    const { session, headers } = await freshSession();
    const reserved = await client.reserveInventory(
      { items: [{ inventoryItemId: "mouse-pad", quantity: 3 }], referenceId: "walked-away", referenceType: "CART", expirationMinutes: 2 },
      { headers },
    );
    const reservedAt = t.clock.now();
    t.clock.set(reservedAt + 119_000);
    t.settle(reservedAt + 119_000);
    expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ reserved: 3 }));
    t.settle(reservedAt + 120_000);
    expect((await t.request("GET", "/inventory/reservations", { session })).body).toEqual([
      expect.objectContaining({ id: reserved.reservationId, status: "RELEASED", releaseReason: "expired", releaseCause: "timeout" }),
    ]);
    expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ stock_level: 54, reserved: 0 }));
    expect((await client.commitReservation({ reservationId: reserved.reservationId }, { headers })).success).toBe(false);
    expect(t.checkConsistency({ sessionId: session }).violations).toEqual([]);
  });

  test("a cancelled reservation hands its units back, once; a second reserve for the same reference is refused", async () => {
    const client = inventoryClient(mainPortTransports(baseUrl)["gRPC-Web"]!);
    const { session, headers } = await freshSession();
    const reserve = () =>
      client.reserveInventory(
        { items: [{ inventoryItemId: "mouse-pad", quantity: 4 }], referenceId: "cart-3", referenceType: "CART", expirationMinutes: 5 },
        { headers },
      );
    const reserved = await reserve();
    expect((await client.cancelReservation({ reservationId: reserved.reservationId }, { headers })).message).toBe("Cancelled");
    expect((await client.cancelReservation({ reservationId: reserved.reservationId }, { headers })).message).toStartWith(
      "Already released",
    );
    expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ stock_level: 54, reserved: 0 }));
    const again = await reserve();
    expect({ success: again.success, reservationId: again.reservationId }).toEqual({
      success: false,
      reservationId: reserved.reservationId,
    });
  });

  test("a session sees only its own reservations: another session's id is not_found", async () => {
    const client = inventoryClient(mainPortTransports(baseUrl)["Connect (JSON)"]!);
    const a = await freshSession();
    const b = await freshSession();
    const reserved = await client.reserveInventory(
      { items: [{ inventoryItemId: "mouse-pad", quantity: 1 }], referenceId: "mine", referenceType: "CART", expirationMinutes: 5 },
      { headers: a.headers },
    );
    await expect(client.commitReservation({ reservationId: reserved.reservationId }, { headers: b.headers })).rejects.toThrow("not found");
  });

  test("curl's Connect call: JSON in, the .proto's field names out", async () => {
    const { headers } = await freshSession();
    const response = await fetch(`${baseUrl}/inventory.v1.InventoryService/CheckInventoryAvailability`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ items: [{ product_id: "mouse-pad", quantity: 60 }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      items: [
        {
          product_id: "mouse-pad",
          sku: "",
          requested_quantity: 60,
          available_quantity: 54,
          is_available: false,
          status: "INSUFFICIENT_STOCK",
        },
      ],
      all_available: false,
    });
  });

  test("a body over 64 KiB is refused before it is read", async () => {
    const { headers } = await freshSession();
    const items = Array.from({ length: 3000 }, (_, i) => ({ product_id: `p-${i}-${"x".repeat(20)}`, quantity: 1 }));
    const response = await fetch(`${baseUrl}/inventory.v1.InventoryService/CheckInventoryAvailability`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ items }),
    });
    expect(response.status).toBe(413);
  });
});

describe("PaymentService over Connect", () => {
  test("charge once per order, refund once", async () => {
    const client = paymentsClient(mainPortTransports(baseUrl)["Connect (binary)"]!);
    const { session, headers } = await freshSession();
    const charged = await client.charge({ orderId: "order-9", amountCents: 4998n, behaviour: "success" }, { headers });
    expect({ success: charged.success, status: charged.status }).toEqual({ success: true, status: "SUCCESS" });
    expect((await client.charge({ orderId: "order-9", amountCents: 4998n }, { headers })).message).toBe("Already charged");
    const declined = await client.charge({ orderId: "order-10", amountCents: 100n, behaviour: "failure" }, { headers });
    expect({ success: declined.success, status: declined.status }).toEqual({ success: false, status: "FAILED" });
    expect((await client.refund({ orderId: "order-9", reason: "changed my mind" }, { headers })).status).toBe("REFUNDED");
    expect((await client.refund({ orderId: "order-9" }, { headers })).message).toBe("Already refunded");
    const payments = (await t.request("GET", "/payments", { session })).body;
    expect(payments.map((p: { order_id: string; status: string }) => [p.order_id, p.status]).sort()).toEqual([
      ["order-10", "FAILED"],
      ["order-9", "REFUNDED"],
    ]);
  });
});

describe("gRPC on GRPC_PORT, with @grpc/grpc-js", () => {
  test("the same service: check, reserve, cancel; the session in the metadata", async () => {
    const client = grpcJsClient(InventoryService, `127.0.0.1:${grpcServer.port}`);
    try {
      const { session, headers } = await freshSession();
      const check = await client.call(InventoryService.method.checkInventoryAvailability)(
        { items: [{ productId: "mouse-pad", quantity: 54 }] },
        headers,
      );
      expect(check.allAvailable).toBe(true);
      const reserved = await client.call(InventoryService.method.reserveInventory)(
        { items: [{ inventoryItemId: "mouse-pad", quantity: 54 }], referenceId: "grpc-cart", referenceType: "CART", expirationMinutes: 5 },
        headers,
      );
      expect(reserved.success).toBe(true);
      expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ reserved: 54 }));
      const cancelled = await client.call(InventoryService.method.cancelReservation)({ reservationId: reserved.reservationId }, headers);
      expect(cancelled.success).toBe(true);
      expect(await product(session, "mouse-pad")).toEqual(expect.objectContaining({ reserved: 0 }));
    } finally {
      client.close();
    }
  });

  test("errors are gRPC statuses: INVALID_ARGUMENT without a session, NOT_FOUND for an unknown reservation", async () => {
    const client = grpcJsClient(InventoryService, `127.0.0.1:${grpcServer.port}`);
    try {
      const { headers } = await freshSession();
      const statusOf = (promise: Promise<unknown>) =>
        promise.then(
          () => "no error",
          (error: grpc.ServiceError) => ({ code: error.code, details: error.details }),
        );
      expect(
        await statusOf(client.call(InventoryService.method.checkInventoryAvailability)({ items: [{ productId: "a", quantity: 1 }] }, {})),
      ).toEqual({
        code: grpc.status.INVALID_ARGUMENT,
        details: "Missing x-session-id header",
      });
      expect(await statusOf(client.call(InventoryService.method.commitReservation)({ reservationId: "res_x" }, headers))).toEqual({
        code: grpc.status.NOT_FOUND,
        details: "Reservation res_x not found",
      });
    } finally {
      client.close();
    }
  });
});

describe("what a call may keep", () => {
  test("past the orders quota a call's reserve or charge is resource_exhausted (QUOTA_EXCEEDED), and writes nothing", async () => {
    const small = createTestApp({ config: { maxOrdersPerSession: 2 } });
    await small.request("POST", "/inventory/seed");
    const reserve = (reference: string) =>
      small.request("POST", "/inventory.v1.InventoryService/ReserveInventory", {
        body: { items: [{ inventory_item_id: "mouse-pad", quantity: 1 }], reference_id: reference, expiration_minutes: 5 },
      });
    expect((await reserve("a")).body.success).toBe(true);
    expect((await reserve("b")).body.success).toBe(true);
    const refused = await reserve("c");
    expect({ status: refused.status, code: refused.body.code, header: refused.headers.get("x-error-code") }).toEqual({
      status: 429,
      code: "resource_exhausted",
      header: "QUOTA_EXCEEDED",
    });
    expect((await small.request("GET", "/inventory/reservations")).body).toHaveLength(2);
    const charge = (orderId: string) =>
      small.request("POST", "/payments.v1.PaymentService/Charge", { body: { order_id: orderId, amount_cents: "100" } });
    expect((await charge("a")).body.success).toBe(true);
    expect((await charge("b")).body.success).toBe(true);
    expect((await charge("c")).body.code).toBe("resource_exhausted");
    // The order that has its payment is answered with it, quota or not.
    expect((await charge("a")).body.message).toBe("Already charged");
  });
});
