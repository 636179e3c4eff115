import { describe, expect, test } from "bun:test";
import { createTestApp, fiveMousePads } from "../../support/test-app";
import { sseReader } from "./sse-reader";

const streamPath = "/events/stream";

function openStream(t: ReturnType<typeof createTestApp>, headers: Record<string, string>, path = streamPath) {
  const controller = new AbortController();
  const response = t.app.request(path, { headers, signal: controller.signal });
  return { response, controller };
}

/** Lets the stream's writer run: the in-process response is read on the same event loop. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("GET /events/stream", () => {
  test("without a session it answers the contract's 400 and opens nothing", async () => {
    const t = createTestApp();
    const missing = await t.request("GET", streamPath, { session: null });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("SESSION_REQUIRED");
    const invalid = await t.request("GET", `${streamPath}?session=${encodeURIComponent("<bad id>")}`, { session: null });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("SESSION_INVALID");
    expect(t.streams.openTotal).toBe(0);
  });

  test("pushes each committed event of the session, in order, named by type with its seq as id", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const { response } = openStream(t, { "x-session-id": "test-session" });
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const sse = sseReader(res);
    const ready = await sse.next();
    expect(ready?.event).toBe("ready");
    expect(JSON.parse(ready!.data)).toEqual({ sessionId: "test-session", after: 0 });

    const order = await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const messages = await sse.take(5);
    expect(messages.map((m) => m.event)).toEqual([
      "ORDER_CREATED",
      "INVENTORY_RESERVED",
      "PAYMENT_SUCCESS",
      "INVENTORY_CONFIRMED",
      "ORDER_COMPLETED",
    ]);
    const trace = await t.request("GET", `/orders/${order.body.id}/events`);
    expect(messages.map((m) => JSON.parse(m.data))).toEqual(trace.body);
    expect(messages.map((m) => m.id)).toEqual(trace.body.map((e: { seq: number }) => String(e.seq)));
    await sse.cancel();
  });

  test("seeds and resets of the session arrive as named messages without an id; another session's do not", async () => {
    const t = createTestApp();
    const res = await openStream(t, { "x-session-id": "test-session" }).response;
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");

    await t.request("POST", "/inventory/seed", { session: "someone-else" });
    await t.request("POST", "/inventory/seed");
    // A refused seed changed nothing, so it tells nothing.
    expect((await t.request("POST", "/inventory/seed", { body: { products: "nope" } })).status).toBe(400);
    await t.request("POST", "/orders/reset");
    await t.request("POST", "/payments/reset");
    await t.request("POST", "/inventory/reset");
    const messages = await sse.take(4);
    expect(messages).toEqual(
      ["INVENTORY_CHANGED", "ORDERS_RESET", "PAYMENTS_RESET", "INVENTORY_CHANGED"].map((change) => ({
        event: change,
        data: JSON.stringify({ sessionId: "test-session", change }),
      })),
    );
    await sse.cancel();
  });

  test("a session's stream carries nothing of another session", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed", { session: "alice" });
    await t.request("POST", "/inventory/seed", { session: "bob" });
    const res = await openStream(t, {}, `${streamPath}?session=bob`).response;
    const sse = sseReader(res);
    await sse.next(); // ready
    await t.request("POST", "/orders", { session: "alice", body: fiveMousePads });
    t.settle();
    await t.request("POST", "/orders", { session: "bob", body: { items: [{ product: "laptop", quantity: 99 }], skipDemoDelays: true } });
    t.settle();
    const messages = await sse.take(3);
    expect(messages.map((m) => m.event)).toEqual(["ORDER_CREATED", "INVENTORY_FAILED", "ORDER_CANCELLED"]);
    expect(messages.every((m) => JSON.parse(m.data).sessionId === "bob")).toBe(true);
    await sse.cancel();
  });

  test("Last-Event-ID replays what was missed, then goes on live without repeats", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const log = await t.request("GET", "/events");
    const res = await openStream(t, { "x-session-id": "test-session", "last-event-id": String(log.body[1].seq) }).response;
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");
    const replayed = await sse.take(3);
    expect(replayed.map((m) => m.event)).toEqual(["PAYMENT_SUCCESS", "INVENTORY_CONFIRMED", "ORDER_COMPLETED"]);
    await t.request("POST", "/orders", { body: fiveMousePads });
    expect((await sse.next())?.event).toBe("ORDER_CREATED");
    await sse.cancel();
  });

  test("a malformed Last-Event-ID is a 400 VALIDATION_FAILED", async () => {
    const t = createTestApp();
    const res = await t.request("GET", `${streamPath}?after=abc`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(t.streams.openTotal).toBe(0);
  });

  test("over the per-session cap the next stream gets 429 RATE_LIMITED; closing one frees its slot", async () => {
    const t = createTestApp({ streams: { perSession: 2, total: 10 } });
    const first = sseReader(await openStream(t, { "x-session-id": "s" }).response);
    const second = sseReader(await openStream(t, { "x-session-id": "s" }).response);
    await first.next();
    await second.next();
    expect(t.streams.openFor("s")).toBe(2);

    const refused = await t.request("GET", streamPath, { session: "s" });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("RATE_LIMITED");
    // Another session is not affected by this one's cap.
    const other = sseReader(await openStream(t, { "x-session-id": "other" }).response);
    await other.next();

    await first.cancel();
    await t.request("POST", "/orders", { session: "s", body: fiveMousePads }); // wakes the stream so it notices
    for (let i = 0; i < 10 && t.streams.openFor("s") > 1; i += 1) await tick();
    expect(t.streams.openFor("s")).toBe(1);
    const again = sseReader(await openStream(t, { "x-session-id": "s" }).response);
    expect((await again.next())?.event).toBe("ready");
    await Promise.all([second.cancel(), other.cancel(), again.cancel()]);
  });

  test("over the total cap any session gets 429 RATE_LIMITED", async () => {
    const t = createTestApp({ streams: { perSession: 5, total: 2 } });
    const a = sseReader(await openStream(t, { "x-session-id": "a" }).response);
    const b = sseReader(await openStream(t, { "x-session-id": "b" }).response);
    await Promise.all([a.next(), b.next()]);
    const refused = await t.request("GET", streamPath, { session: "c" });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("RATE_LIMITED");
    expect(refused.body.error).toContain("limit 2");
    await Promise.all([a.cancel(), b.cancel()]);
  });

  test("a closed stream gives back its slot and its bus listener", async () => {
    const t = createTestApp();
    const listenersBefore = t.deps.bus.listenerCount;
    const { response, controller } = openStream(t, { "x-session-id": "s" });
    const sse = sseReader(await response);
    await sse.next();
    expect(t.streams.openTotal).toBe(1);
    expect(t.deps.bus.listenerCount).toBe(listenersBefore + 1);
    controller.abort();
    await sse.cancel().catch(() => {});
    for (let i = 0; i < 10 && t.streams.openTotal > 0; i += 1) await tick();
    expect(t.streams.openTotal).toBe(0);
    expect(t.deps.bus.listenerCount).toBe(listenersBefore);
  });
});

describe("GET /events/stream backlog", () => {
  test("a client too slow to keep up is disconnected instead of growing memory without bound", async () => {
    const t = createTestApp({ streams: { maxBacklog: 3 } });
    await t.request("POST", "/inventory/seed");
    const res = await t.app.request(streamPath, { headers: { "x-session-id": "test-session" } });
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");
    // Nobody reads while four orders commit their events.
    for (let i = 0; i < 4; i += 1) await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    const rest: (string | undefined)[] = [];
    for (let message = await sse.next(); message; message = await sse.next()) rest.push(message.event);
    expect(rest.length).toBeLessThan(20);
    expect(t.streams.openTotal).toBe(0);
  });
});

describe("a reader that stops reading (found by attacking the server)", () => {
  test("is cut off at the backlog cap while it is still stalled: its listener and its slot are freed at once", async () => {
    const t = createTestApp({ streams: { maxBacklog: 3 } });
    await t.request("POST", "/inventory/seed");
    const listenersBefore = t.deps.bus.listenerCount;
    const res = await t.app.request(streamPath, { headers: { "x-session-id": "test-session" } });
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");
    expect(t.streams.openTotal).toBe(1);
    // The reader stops here: in-process, the stream's next write waits until it reads again.
    for (let i = 0; i < 4; i += 1) await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle();
    await tick();
    expect(t.streams.openTotal).toBe(0);
    expect(t.deps.bus.listenerCount).toBe(listenersBefore);
    // Read again, it ends: the client reconnects with Last-Event-ID.
    let rest = 0;
    for (let message = await sse.next(); message; message = await sse.next()) rest += 1;
    expect(rest).toBeLessThan(20);
  });
});

describe("resuming a stream from a position the log cannot serve (found by attacking the server)", () => {
  test("a Last-Event-ID ahead of the log (a tab open across a restart on a fresh database) gets RESYNC, then every new event", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const res = await openStream(t, { "x-session-id": "test-session", "last-event-id": "5000" }).response;
    const sse = sseReader(res);
    expect((await sse.next())?.event).toBe("ready");
    const resync = await sse.next();
    expect(resync?.event).toBe("RESYNC");
    expect(JSON.parse(resync!.data)).toEqual({ sessionId: "test-session", reason: "ahead of the log", after: 0 });
    await t.request("POST", "/orders", { body: fiveMousePads });
    const created = await sse.next();
    expect(created).toMatchObject({ event: "ORDER_CREATED", id: "1" }); // not skipped as "already seen"
  });

  test("more missed events than a replay holds gets RESYNC instead of the oldest ones and a silent gap", async () => {
    const t = createTestApp({ streams: { maxReplay: 3 } });
    await t.request("POST", "/inventory/seed");
    await t.request("POST", "/orders", { body: fiveMousePads });
    t.settle(t.clock.now() + 60_000); // five events
    const fewer = sseReader(await openStream(t, { "x-session-id": "test-session", "last-event-id": "2" }).response);
    expect((await fewer.next())?.event).toBe("ready");
    expect([(await fewer.next())?.id, (await fewer.next())?.id, (await fewer.next())?.id]).toEqual(["3", "4", "5"]);

    const tooMany = sseReader(await openStream(t, { "x-session-id": "test-session", "last-event-id": "0" }).response);
    expect((await tooMany.next())?.event).toBe("ready");
    const resync = await tooMany.next();
    expect(resync?.event).toBe("RESYNC");
    expect(JSON.parse(resync!.data)).toEqual({ sessionId: "test-session", reason: "more than 3 missed events", after: 5 });
  });
});

describe("streams per client address (found by attacking the server)", () => {
  // One client holding 256 idle streams (32 sessions × 8) locked every other session out.
  test("past its own cap an address gets 429 whatever session it names; another address still gets in; a closed stream frees its slot", async () => {
    const t = createTestApp({ streams: { perClient: 3, perSession: 8, total: 100 } });
    const from = (address: string) => ({ requestIP: () => ({ address }) });
    const open = (session: string, address: string) => {
      const controller = new AbortController();
      const response = t.app.request(streamPath, { headers: { "x-session-id": session }, signal: controller.signal }, from(address));
      return { response, controller };
    };
    const mine = [open("s1", "10.0.0.1"), open("s2", "10.0.0.1"), open("s3", "10.0.0.1")];
    for (const stream of mine) expect((await stream.response).status).toBe(200);
    const fourth = await open("s4", "10.0.0.1").response;
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { code: string }).code).toBe("RATE_LIMITED");
    expect((await open("s4", "10.0.0.2").response).status).toBe(200);
    mine[0]!.controller.abort();
    for (let tick = 0; tick < 50 && t.streams.openTotal > 3; tick += 1) await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await open("s5", "10.0.0.1").response).status).toBe(200);
  });
});
