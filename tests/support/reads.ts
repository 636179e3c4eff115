import { expect } from "bun:test";
import type { TestApp } from "./test-app";

/**
 * The reads the saga tests make again and again, each one HTTP request of the test session (or
 * of `session`): what an order, its payment, its reservation, its shipment, its events and its
 * saga's steps look like through the API a user calls.
 */
export const productOf = async (t: TestApp, id: string, session?: string) =>
  ((await t.request("GET", "/inventory", { session })).body as { id: string; stock_level: number; reserved: number }[]).find(
    (p) => p.id === id,
  );
export const orderOf = async (t: TestApp, id: string, session?: string) => (await t.request("GET", `/orders/${id}`, { session })).body;
export const paymentOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", "/payments")).body as { order_id: string; status: string }[]).find((p) => p.order_id === orderId);
export const reservationOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", "/inventory/reservations")).body as { orderId: string; status: string; releaseReason: string | null }[]).find(
    (r) => r.orderId === orderId,
  );
export const shipmentOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", "/shipments")).body as { orderId: string; status: string; reason: string | null }[]).find(
    (s) => s.orderId === orderId,
  );

/** The order's log as types, in order. */
export const eventTypesOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", `/orders/${orderId}/events`)).body as { type: string }[]).map((e) => e.type);
/** The order's log as `event:TYPE` / `command:TYPE`: an orchestrated saga's commands told apart. */
export const messagesOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", `/orders/${orderId}/events`)).body as { type: string; kind: string }[]).map((e) => `${e.kind}:${e.type}`);
/** The reactions that received the order's events, in delivery order. */
export const reactionsOf = async (t: TestApp, orderId: string) =>
  ((await t.request("GET", `/orders/${orderId}/deliveries`)).body as { reaction: string }[]).map((d) => d.reaction);
/** `GET /sagas/:id`'s steps as `NAME:status`. */
export const stepsOf = async (t: TestApp, sagaId: string) =>
  ((await t.request("GET", `/sagas/${sagaId}`)).body.steps as { name: string; status: string }[]).map((s) => `${s.name}:${s.status}`);

/** The test session's books balance once the bus has settled. */
export function expectConsistent(t: TestApp) {
  expect(t.checkConsistency({ sessionId: "test-session", settled: true })).toEqual({ consistent: true, violations: [] });
}
