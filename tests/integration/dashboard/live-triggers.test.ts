import { describe, expect, test } from "bun:test";
import { createTestApp } from "../../support/test-app";

const session = "test-session";
const withDemoDelays = { items: [{ product: "mouse-pad", quantity: 5 }] };

/**
 * The dashboard's panels refresh when the session's stream tells of a change. So every write a
 * panel shows must be followed by an announcement: the state read at the last announcement is
 * the state the screen ends on.
 */
function watched() {
  const readAtAnnouncement: State[] = [];
  let state = (): State => ({ orders: [], payments: [], notifications: 0 });
  const heard = (sessionId: string) => {
    if (sessionId === session) readAtAnnouncement.push(state());
  };
  // What compose.ts wires to the stream's DELIVERIES_CHANGED, heard here directly.
  const t = createTestApp({ relay: { onDeliveriesChanged: heard } });
  state = () => ({
    orders: t.modules.orders.queries.listOrders(session, 100).map((order) => order.status),
    payments: t.modules.payments.queries.listPayments(session, 100).map((payment) => payment.status),
    notifications: t.modules.notifications.queries.listNotifications(session, 100).length,
  });
  t.deps.bus.listen((events) => {
    if (events.some((event) => event.sessionId === session)) heard(session);
  });
  return { t, state, readAtAnnouncement };
}

interface State {
  orders: string[];
  payments: string[];
  notifications: number;
}

describe("the relay tells of every write a panel shows after its commit (the stream's DELIVERIES_CHANGED)", () => {
  test("when a saga runs with demo delays, the state it ends on and the PENDING payment on its way are each read at an announcement", async () => {
    const { t, state, readAtAnnouncement } = watched();
    await t.request("POST", "/inventory/seed");

    await t.request("POST", "/orders", { body: withDemoDelays });
    t.settle();

    expect(state()).toEqual({ orders: ["COMPLETED"], payments: ["SUCCESS"], notifications: 2 });
    expect(readAtAnnouncement.at(-1)).toEqual(state());
    // The PENDING payment, opened by a delivery that emits nothing, was told too.
    expect(readAtAnnouncement).toContainEqual({ orders: ["PROCESSING"], payments: ["PENDING"], notifications: 1 });
  });

  test("when step mode delivers the payment's opening by hand, the PENDING payment is told after it commits", async () => {
    const { t, state, readAtAnnouncement } = watched();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { stepMode: true } });
    await t.request("POST", "/orders", { body: withDemoDelays });
    t.settle();

    for (let steps = 0; steps < 10 && state().payments.length === 0; steps++) {
      expect((await t.request("POST", "/bus/step")).status).toBe(200);
    }

    expect(state().payments).toEqual(["PENDING"]);
    expect(readAtAnnouncement.at(-1)).toEqual(state());
  });
});
