import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { setQuantityBodySchema } from "../../src/modules/cart/cart.schemas";
import { seedBodySchema } from "../../src/modules/inventory/inventory.schemas";
import { placeOrderBodySchema } from "../../src/modules/orders/orders.schemas";
import { settingsPatchSchema } from "../../src/modules/session-settings";
import { sessionNamePatchSchema } from "../../src/sessions/session-names";
import { knobsFormFields } from "../support/knobs-form";
import { CrashableApp } from "./support/crashable-app";
import {
  asReceived,
  hostileAnyBody,
  hostileBroadcastBody,
  hostileBugsForm,
  hostileCartLineBody,
  hostileGuessForm,
  hostileKnobsForm,
  hostileOrderBody,
  hostileOrderForm,
  hostileRaceForm,
  hostileSeedBody,
  hostileSessionId,
  hostileSessionNameBody,
  hostileSettingsBody,
} from "./support/hostile-inputs";

/**
 * Every write route fed thousands of broken bodies, every route fed hostile session ids,
 * in-process through app.request: never a 5xx, every error in the contract's envelope, and a
 * rejected request writes nothing (row counts of every table, before and after).
 */
const fuzzing = process.env.FUZZ === "1";
const bodiesPerRoute = Number(process.env.FUZZ_BODIES ?? (fuzzing ? 50_000 : 5_000));
const sessionsPerRoute = Number(process.env.FUZZ_SESSIONS ?? (fuzzing ? 10_000 : 1_000));
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : fuzzing ? undefined : 4_242;
// Per test: generous, because a loaded CI box is slow, and unbounded in spirit under `bun run fuzz`.
const timeoutMs = fuzzing ? 24 * 3_600_000 : 300_000;
// The contract's codes, written out rather than imported: the code is checked against the contract.
const contractCodes = new Set([
  "SESSION_REQUIRED",
  "SESSION_INVALID",
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "PAYLOAD_TOO_LARGE",
  "NOT_FOUND",
  "CART_EXPIRED",
  "UNKNOWN_PRODUCT",
  "INVALID_STATE",
  "IDEMPOTENCY_KEY_REUSED",
  "RATE_LIMITED",
  "QUOTA_EXCEEDED",
]);

const TEACHER_TOKEN = "fuzz-teacher-token";

export const httpFuzzStats = { requests: 0, rejected: 0, accepted: 0, fiveHundreds: 0 };

let real: CrashableApp;
let someOrderId: string;

beforeAll(async () => {
  real = new CrashableApp(7, true, { teacherToken: TEACHER_TOKEN });
  // Other sessions hold data, so a write that lands in the wrong place would show in the counts.
  for (const session of ["bystander-1", "bystander-2"]) {
    await real.request("POST", "/inventory/seed", session);
    const order = await real.request("POST", "/orders", session, {
      items: [{ product: "mouse", quantity: 2 }],
      paymentBehaviour: "random",
    });
    someOrderId = order.body.id;
    await real.request("POST", "/orders", session, { items: [{ product: "laptop", quantity: 9 }] });
  }
  real.drain();
  await real.request("POST", "/inventory/reset", "fuzz");
  // The fuzz session's first order numbers its log; undone, it leaves just that numbering behind.
  await real.request("POST", "/orders", "fuzz", { items: [{ product: "mouse", quantity: 1 }] });
  await undoOrders();
}, 30_000); // starts the real server process (up to 15 s on a busy machine)
afterAll(() => real.close());

function expectEnvelope(status: number, body: unknown, text: string): void {
  const ok =
    typeof body === "object" &&
    body !== null &&
    typeof (body as { error?: unknown }).error === "string" &&
    contractCodes.has((body as { code: string }).code) &&
    Object.keys(body).every((k) => k === "error" || k === "code" || k === "details" || k === "message") &&
    // SWAP's `message`, where present, is the same sentence as `error`.
    ((body as { message?: unknown }).message === undefined ||
      (body as { message: unknown }).message === (body as { error: unknown }).error) &&
    ((body as { details?: unknown }).details === undefined ||
      (Array.isArray((body as { details: unknown[] }).details) &&
        (body as { details: { path: unknown; message: unknown }[] }).details.every(
          (d) => typeof d.path === "string" && typeof d.message === "string",
        )));
  if (!ok) throw new Error(`${status} answer is not in the error envelope: ${text.slice(0, 300)}`);
}

/** What the contract says a body is: JSON content type, parsable, within the limit and valid for the route's schema. */
function acceptable(sent: string, contentType: string | null, schema: { safeParse(v: unknown): { success: boolean } }): boolean {
  // fetch decodes UTF-8 bodies dropping a leading byte-order mark, as RFC 8259 allows.
  const text = sent.replace(/^\uFEFF/, "");
  if (new TextEncoder().encode(sent).length > 64 * 1024) return false;
  if (text.trim() === "") return schema.safeParse({}).success;
  if (!contentType || !/^application\/([\w.-]+\+)?json$/i.test(contentType.split(";")[0]!.trim())) return false;
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

async function send(method: string, path: string, session: string | null, text?: string, contentType?: string | null) {
  const headers: Record<string, string> = {};
  if (contentType) headers["content-type"] = contentType;
  if (session !== null) headers["x-session-id"] = session;
  const response = await real.server.app.request(path, { method, headers, body: text });
  const body = await response.text();
  httpFuzzStats.requests += 1;
  if (response.status >= 500) httpFuzzStats.fiveHundreds += 1;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: response.status, text: body, json };
}

const sameCounts = (before: Record<string, number>, after: Record<string, number>) => JSON.stringify(before) === JSON.stringify(after);

/** A hostile form as a browser (urlencoded, multipart) or a broken client (junk under a multipart type) would send it. */
function encodeForm(fields: [string, string][], encoding: string, junk: string): { body: BodyInit; headers: Record<string, string> } {
  const headers: Record<string, string> = { "x-session-id": "fuzz" };
  if (encoding === "multipart") {
    const data = new FormData();
    for (const [k, v] of fields) data.append(k, v);
    return { body: data, headers };
  }
  if (encoding === "urlencoded")
    return { body: new URLSearchParams(fields).toString(), headers: { ...headers, "content-type": "application/x-www-form-urlencoded" } };
  return { body: junk, headers: { ...headers, "content-type": "multipart/form-data; boundary=zz" } };
}

/** Posts one hostile form to `path` and counts it: never a 5xx; answers its status and text. */
async function postHostileForm(path: string, { fields, encoding, junk }: { fields: [string, string][]; encoding: string; junk: string }) {
  const { body, headers } = encodeForm(fields, encoding, junk);
  const response = await real.server.app.request(path, { method: "POST", headers, body });
  const text = await response.text();
  httpFuzzStats.requests += 1;
  expect(response.status).toBeLessThan(500);
  if (response.status === 200) httpFuzzStats.accepted += 1;
  else httpFuzzStats.rejected += 1;
  return { status: response.status, text };
}

/**
 * Undoes an accepted order (its saga compensated, then the orders gone), so the next body starts
 * from the same counts. The session's event numbering (`session_event_seqs`) is kept on purpose:
 * a number is never given twice. The fuzz session gets its row before the first count.
 */
async function undoOrders() {
  await real.request("POST", "/orders/reset", "fuzz");
  real.drain();
  await real.request("POST", "/orders/reset", "fuzz");
}

const settingsNow = async () => (await real.request("GET", "/settings", "fuzz")).body as Record<string, unknown>;

describe(`${bodiesPerRoute} hostile bodies on every write route`, () => {
  test.each([
    ["/orders", hostileOrderBody, placeOrderBodySchema],
    ["/inventory/seed", hostileSeedBody, seedBodySchema],
  ] as const)(
    "POST %s: never a 5xx, errors in the envelope, a rejected body writes nothing",
    async (path, bodies, schema) => {
      await fc.assert(
        fc.asyncProperty(bodies, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const answer = await send("POST", path, "fuzz", text, contentType);
          expect(answer.status).toBeLessThan(500);
          const shouldAccept = acceptable(text, contentType, schema);
          if (answer.status === 200) {
            httpFuzzStats.accepted += 1;
            if (!shouldAccept) throw new Error(`accepted a body the contract rejects: ${text.slice(0, 200)}`);
            // Undo the legitimate write so the next body starts from the same counts.
            if (path === "/orders") await undoOrders();
            else await real.request("POST", "/inventory/reset", "fuzz");
            expect(real.rowCounts()).toEqual(before);
          } else {
            httpFuzzStats.rejected += 1;
            if (shouldAccept) throw new Error(`rejected (${answer.status}) a body the contract accepts: ${text.slice(0, 200)}`);
            expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected body wrote rows: ${text.slice(0, 200)}`);
          }
        }),
        { numRuns: bodiesPerRoute, seed },
      );
    },
    timeoutMs,
  );

  test(
    "PUT /cart/:id/items: never a 5xx, errors in the envelope, a rejected body writes nothing; an accepted one sets the line",
    async () => {
      await real.request("POST", "/inventory/seed", "fuzz");
      const cart = (await real.request("POST", "/cart", "fuzz")).body.id as string;
      const catalog = new Set(((await real.request("GET", "/inventory", "fuzz")).body as { id: string }[]).map((p) => p.id));
      await fc.assert(
        fc.asyncProperty(hostileCartLineBody, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const answer = await send("PUT", `/cart/${cart}/items`, "fuzz", text, contentType);
          expect(answer.status).toBeLessThan(500);
          const parsed = acceptable(text, contentType, setQuantityBodySchema) ? setQuantityBodySchema.parse(JSON.parse(text)) : null;
          const shouldAccept = parsed !== null && (parsed.quantity === 0 || catalog.has(parsed.product));
          if (answer.status === 200) {
            httpFuzzStats.accepted += 1;
            if (!shouldAccept) throw new Error(`accepted a line the contract rejects: ${text.slice(0, 200)}`);
            const line = (answer.json as { items: { product: string; quantity: number }[] }).items.find(
              (l) => l.product === parsed?.product,
            );
            expect(line?.quantity ?? 0).toBe(parsed?.quantity ?? -1);
          } else {
            httpFuzzStats.rejected += 1;
            if (shouldAccept) throw new Error(`rejected (${answer.status}) a line the contract accepts: ${text.slice(0, 200)}`);
            expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected line wrote rows: ${text.slice(0, 200)}`);
          }
        }),
        { numRuns: bodiesPerRoute, seed },
      );
      await real.request("POST", "/orders/reset", "fuzz");
      await real.request("POST", "/inventory/reset", "fuzz");
    },
    timeoutMs,
  );

  test(
    "DELETE /settings: any body is ignored, never a 5xx; the answer is a new session's settings (or 413, nothing changed)",
    async () => {
      const defaults = await settingsNow();
      const turned = { ...defaults, paymentFailureRate: 0.5, stepMode: true };
      await fc.assert(
        fc.asyncProperty(hostileAnyBody, async ({ text, contentType }) => {
          await real.request("PATCH", "/settings", "fuzz", { paymentFailureRate: 0.5, stepMode: true });
          const answer = await send("DELETE", "/settings", "fuzz", text, contentType);
          if (answer.status === 413) {
            expectEnvelope(answer.status, answer.json, answer.text);
            expect(await settingsNow()).toEqual(turned);
            await real.request("DELETE", "/settings", "fuzz");
          } else {
            expect(answer.status).toBe(200);
            expect(answer.json).toEqual(defaults);
          }
          expect(await settingsNow()).toEqual(defaults);
        }),
        { numRuns: bodiesPerRoute, seed },
      );
    },
    timeoutMs,
  );

  test(
    "POST /dashboard/orders (the order form): never a 5xx, a rejected form writes nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileOrderForm, async (form) => {
          const before = real.rowCounts();
          const { status, text } = await postHostileForm("/dashboard/orders", form);
          if (status === 200) {
            await undoOrders();
            expect(real.rowCounts()).toEqual(before);
          } else {
            // The form answers its own errors as an HTML fragment (422) for htmx to swap in; anything else is the envelope.
            if (status !== 422) expectEnvelope(status, JSON.parse(text), text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected form wrote rows: ${JSON.stringify(form.fields)}`);
          }
        }),
        { numRuns: bodiesPerRoute, seed },
      );
    },
    timeoutMs,
  );

  test(
    "PATCH /settings: never a 5xx; an accepted body changes exactly the knobs it names, a rejected one changes nothing",
    async () => {
      const defaults = await settingsNow();
      await fc.assert(
        fc.asyncProperty(hostileSettingsBody, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const answer = await send("PATCH", "/settings", "fuzz", text, contentType);
          expect(answer.status).toBeLessThan(500);
          if (answer.status === 200) {
            httpFuzzStats.accepted += 1;
            if (!acceptable(text, contentType, settingsPatchSchema))
              throw new Error(`accepted settings the contract rejects: ${text.slice(0, 200)}`);
            const patch = text.trim() === "" ? {} : JSON.parse(text.replace(/^\uFEFF/, ""));
            expect(answer.json).toEqual({ ...defaults, ...patch });
            await real.request("PATCH", "/settings", "fuzz", defaults);
          } else {
            httpFuzzStats.rejected += 1;
            if (acceptable(text, contentType, settingsPatchSchema))
              throw new Error(`rejected (${answer.status}) valid settings: ${text.slice(0, 200)}`);
            expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`rejected settings wrote rows: ${text.slice(0, 200)}`);
          }
          expect(await settingsNow()).toEqual(defaults);
        }),
        { numRuns: bodiesPerRoute, seed },
      );
    },
    timeoutMs,
  );

  test(
    "PATCH /session (a name): never a 5xx; an accepted body stores its name trimmed, a rejected one stores nothing",
    async () => {
      const nameNow = async () => (await real.request("GET", "/session", "fuzz-named")).body.name as string | null;
      await fc.assert(
        fc.asyncProperty(hostileSessionNameBody, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const named = await nameNow();
          const answer = await send("PATCH", "/session", "fuzz-named", text, contentType);
          expect(answer.status).toBeLessThan(500);
          if (answer.status === 200) {
            httpFuzzStats.accepted += 1;
            if (!acceptable(text, contentType, sessionNamePatchSchema))
              throw new Error(`accepted a name the contract rejects: ${text.slice(0, 200)}`);
            const name = JSON.parse(text.replace(/^\uFEFF/, "")).name.trim();
            expect(answer.json).toEqual({ sessionId: "fuzz-named", name });
            expect(await nameNow()).toBe(name);
          } else {
            httpFuzzStats.rejected += 1;
            if (acceptable(text, contentType, sessionNamePatchSchema))
              throw new Error(`rejected (${answer.status}) a valid name: ${text.slice(0, 200)}`);
            expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected name wrote rows: ${text.slice(0, 200)}`);
            expect(await nameNow()).toBe(named);
          }
        }),
        { numRuns: Math.min(bodiesPerRoute, 2_000), seed },
      );
    },
    timeoutMs,
  );

  test(
    "POST /teacher/broadcast: never a 5xx; a rejected body touches no session's rows or settings",
    async () => {
      const sessions = ["fuzz", "bystander-1", "bystander-2"];
      const settingsOfAll = async () =>
        Promise.all(sessions.map(async (session) => (await real.request("GET", "/settings", session)).body));
      const before = await settingsOfAll();
      await fc.assert(
        fc.asyncProperty(hostileBroadcastBody, async ({ text, contentType }) => {
          const counts = real.rowCounts();
          const answer = await send("POST", `/teacher/broadcast?token=${TEACHER_TOKEN}`, null, text, contentType);
          if (answer.status === 200) {
            // Accepted (a valid settings patch): put every session back.
            httpFuzzStats.accepted += 1;
            for (const [i, session] of sessions.entries()) await real.request("PATCH", "/settings", session, before[i]);
          } else {
            httpFuzzStats.rejected += 1;
            expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(counts, real.rowCounts())) throw new Error(`a rejected broadcast wrote rows: ${text.slice(0, 200)}`);
          }
          expect(await settingsOfAll()).toEqual(before);
        }),
        { numRuns: Math.min(bodiesPerRoute, 2_000), seed },
      );
    },
    timeoutMs,
  );

  // The two settings forms of the page: an accepted one is undone, a rejected one must have changed nothing.
  for (const [path, what, hostileForm] of [
    ["/dashboard/knobs", "the knobs form", hostileKnobsForm],
    ["/dashboard/bugs", "the Break it form", hostileBugsForm],
  ] as const) {
    test(
      `POST ${path} (${what}): never a 5xx, a rejected form changes no setting`,
      async () => {
        const defaults = await settingsNow();
        await fc.assert(
          fc.asyncProperty(hostileForm, async (form) => {
            const before = real.rowCounts();
            const { status, text } = await postHostileForm(path, form);
            if (status === 200) {
              await real.request("PATCH", "/settings", "fuzz", defaults);
            } else {
              expectEnvelope(status, JSON.parse(text), text);
              if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected ${what} wrote rows: ${JSON.stringify(form.fields)}`);
            }
            expect(await settingsNow()).toEqual(defaults);
          }),
          { numRuns: Math.min(bodiesPerRoute, 2_000), seed },
        );
      },
      timeoutMs,
    );
  }

  test(
    "POST /dashboard/bus/guess (the room's pick): never a 5xx, each pick refused in the envelope, nothing written",
    async () => {
      const defaults = await settingsNow();
      // Asking is on, but nothing is scheduled in the fuzz session: no pick can be for the next delivery.
      await real.request("PATCH", "/settings", "fuzz", { stepMode: true, predictNext: true });
      try {
        await fc.assert(
          fc.asyncProperty(hostileGuessForm, async (form) => {
            const before = real.rowCounts();
            const { status, text } = await postHostileForm("/dashboard/bus/guess", form);
            expect([400, 409, 413]).toContain(status);
            expectEnvelope(status, JSON.parse(text), text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a refused pick wrote rows: ${JSON.stringify(form.fields)}`);
          }),
          { numRuns: Math.min(bodiesPerRoute, 2_000), seed },
        );
      } finally {
        await real.request("PATCH", "/settings", "fuzz", defaults);
      }
    },
    timeoutMs,
  );

  // The resets take no body: whatever arrives is ignored, and resetting an already reset session writes nothing new.
  test(
    "POST /dashboard/race (the scripted race): never a 5xx, a rejected form writes nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileRaceForm, async (form) => {
          const before = real.rowCounts();
          const { status, text } = await postHostileForm("/dashboard/race", form);
          if (status === 200) {
            await undoOrders();
            expect(real.rowCounts()).toEqual(before);
          } else {
            expectEnvelope(status, JSON.parse(text), text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`a rejected race wrote rows: ${JSON.stringify(form.fields)}`);
          }
        }),
        { numRuns: Math.min(bodiesPerRoute, 2_000), seed },
      );
    },
    timeoutMs,
  );

  test.each([
    "/orders/reset",
    "/inventory/reset",
    "/payments/reset",
    "/dashboard/inventory/seed",
    "/dashboard/inventory/reset",
    "/dashboard/orders/reset",
    "/dashboard/payments/reset",
  ])(
    "POST %s: any body is ignored, never a 5xx, nothing but the session's own reset",
    async (path) => {
      const others = ["bystander-1", "bystander-2"].map((s) => real.sessionDigest(s));
      await fc.assert(
        fc.asyncProperty(hostileAnyBody, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const answer = await send("POST", path, "fuzz", text, contentType);
          if (answer.status !== 200) expectEnvelope(answer.status, answer.json, answer.text);
          expect(answer.status === 200 || answer.status === 413).toBe(true);
          if (!sameCounts(before, real.rowCounts())) throw new Error(`reset of a clean session wrote rows: ${text.slice(0, 200)}`);
        }),
        { numRuns: bodiesPerRoute, seed },
      );
      expect(["bystander-1", "bystander-2"].map((s) => real.sessionDigest(s))).toEqual(others);
    },
    timeoutMs,
  );

  test(
    "POST /dashboard/session/delete: any body is ignored, never a 5xx; once the session is wiped and seeded, each delete leaves it as it was",
    async () => {
      const others = ["bystander-1", "bystander-2"].map((s) => real.sessionDigest(s));
      // The first delete wipes what the session held and seeds the default catalog: from then on, a delete changes no count.
      expect((await send("POST", "/dashboard/session/delete", "fuzz", "", json)).status).toBe(200);
      await fc.assert(
        fc.asyncProperty(hostileAnyBody, async ({ text, contentType }) => {
          const before = real.rowCounts();
          const answer = await send("POST", "/dashboard/session/delete", "fuzz", text, contentType);
          if (answer.status !== 200) expectEnvelope(answer.status, answer.json, answer.text);
          expect(answer.status === 200 || answer.status === 413).toBe(true);
          if (!sameCounts(before, real.rowCounts())) throw new Error(`delete of a wiped session left other counts: ${text.slice(0, 200)}`);
        }),
        { numRuns: bodiesPerRoute, seed },
      );
      expect(["bystander-1", "bystander-2"].map((s) => real.sessionDigest(s))).toEqual(others);
    },
    timeoutMs,
  );
});

const json = "application/json";
const form = "application/x-www-form-urlencoded";
/** [method, path, body, content type, whether the session may come as ?session= (EventSource, dashboard)] */
const everyRoute = (): [string, string, string | undefined, string | null, boolean][] => [
  ["POST", "/orders", JSON.stringify({ items: [{ product: "laptop", quantity: 1 }] }), json, false],
  ["GET", "/orders", undefined, null, false],
  ["POST", "/orders/reset", undefined, null, false],
  ["GET", `/orders/${someOrderId}`, undefined, null, false],
  ["GET", `/orders/${someOrderId}?wait=10`, undefined, null, false],
  ["GET", `/orders/${someOrderId}/events`, undefined, null, false],
  ["GET", `/orders/${someOrderId}/history`, undefined, null, false],
  ["GET", `/orders/${someOrderId}?version=2`, undefined, null, false],
  ["POST", "/orders/projection/rebuild", undefined, null, false],
  ["POST", `/orders/${someOrderId}/cancel?wait=0`, undefined, null, false],
  ["POST", "/cart", undefined, null, false],
  ["GET", "/cart/some-cart", undefined, null, false],
  ["PUT", "/cart/some-cart/items", JSON.stringify({ product: "laptop", quantity: 1 }), json, false],
  ["DELETE", "/cart/some-cart/items/laptop", undefined, null, false],
  ["POST", "/cart/some-cart/checkout", JSON.stringify({ skipDemoDelays: true }), json, false],
  ["GET", "/inventory", undefined, null, false],
  ["GET", "/inventory/stats", undefined, null, false],
  ["GET", "/inventory/reservations", undefined, null, false],
  ["POST", "/inventory/seed", JSON.stringify({ products: [{ id: "x", name: "X", stock_level: 1, price_cents: 1 }] }), json, false],
  ["POST", "/inventory/reset", undefined, null, false],
  ["POST", "/inventory/check", JSON.stringify({ items: [{ product: "laptop", quantity: 1 }] }), json, false],
  ["GET", "/payments", undefined, null, false],
  ["POST", "/payments/reset", undefined, null, false],
  ["GET", "/notifications", undefined, null, false],
  ["DELETE", "/session", undefined, null, false],
  ["GET", "/session", undefined, null, false],
  ["GET", "/session/export", undefined, null, false],
  ["PATCH", "/session", JSON.stringify({ name: "Ada" }), json, false],
  ["POST", "/notifications/reset", undefined, null, false],
  ["GET", "/events", undefined, null, false],
  ["GET", "/events/stream", undefined, null, true],
  ["GET", "/consistency", undefined, null, false],
  ["GET", "/orders/some-order/deliveries", undefined, null, false],
  ["GET", "/settings", undefined, null, false],
  ["PATCH", "/settings", JSON.stringify({ paymentFailureRate: 0 }), json, false],
  ["DELETE", "/settings", undefined, null, false],
  ["GET", "/bus/dead-letters", undefined, null, false],
  ["GET", "/sagas?status=stuck", undefined, null, false],
  ["POST", `/sagas/${someOrderId}/compensate`, undefined, null, false],
  ["POST", "/bus/dead-letters/1/retry", undefined, null, false],
  ["GET", "/bus/deliveries", undefined, null, false],
  ["POST", "/bus/step", undefined, null, false],
  ["POST", "/events/1/redeliver", undefined, null, false],
  ...[
    "inventory",
    "stats",
    "orders",
    "reservations",
    "payments",
    "events",
    "timeline",
    "curl",
    "invariants",
    "invariants/verdict",
    "race",
    "bus",
    "knobs",
    "sagas",
    "inbox",
  ].map((fragment): [string, string, string | undefined, string | null, boolean] => [
    "GET",
    `/dashboard/${fragment}`,
    undefined,
    null,
    true,
  ]),
  ["POST", "/dashboard/orders", "product=laptop&quantity=1", form, true],
  ["POST", "/dashboard/cart/items", "product=laptop&quantity=1", form, true],
  ["POST", "/dashboard/cart/some-cart/items/laptop/remove", undefined, null, true],
  ["POST", "/dashboard/cart/some-cart/checkout", "skipDemoDelays=true", form, true],
  ["POST", "/dashboard/orders/projection/rebuild", undefined, null, true],
  ["POST", "/dashboard/inventory/seed", undefined, null, true],
  ["POST", "/dashboard/inventory/reset", undefined, null, true],
  ["POST", "/dashboard/orders/reset", undefined, null, true],
  ["POST", "/dashboard/payments/reset", undefined, null, true],
  ["POST", "/dashboard/session/delete", undefined, null, true],
  ["POST", "/dashboard/race", "product=laptop&count=2", form, true],
  ["POST", "/dashboard/inventory/check", "product=laptop&quantity=1", form, true],
  ["POST", "/dashboard/events/1/redeliver", undefined, null, true],
  ["POST", "/dashboard/bus/step", undefined, null, true],
  ["POST", "/dashboard/bus/step-mode?on=false", undefined, null, true],
  ["POST", "/dashboard/bus/guess", "deliveryId=1&reaction=inventory.reserveStockWhenOrderCreated", form, true],
  ["POST", "/dashboard/knobs", new URLSearchParams(knobsFormFields()).toString(), form, true],
  ["POST", "/dashboard/knobs/reset", undefined, null, true],
  ["POST", "/dashboard/bugs", "bugs=noSemanticLock&crashBetweenWritesRate=0", form, true],
  ["POST", "/dashboard/bus/dead-letters/1/retry", undefined, null, true],
  ["POST", `/dashboard/orders/${someOrderId}/cancel`, undefined, null, true],
  ["POST", `/dashboard/sagas/${someOrderId}/compensate`, undefined, null, true],
];

describe(`${sessionsPerRoute} hostile query strings on every reading route`, () => {
  const queryValue = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer().map(String),
    fc.double().map(String),
    fc.constantFrom("", "-1", "0", "1e9", "NaN", "Infinity", "0x10", "1001", "30001", "%00", "[]", "a&b=c"),
  );
  const query = fc.dictionary(fc.constantFrom("limit", "after", "wait", "session", "x", "limit[]"), queryValue, { maxKeys: 3 });
  test(
    "never a 5xx, errors in the envelope, nothing written",
    async () => {
      // A settled order of a bystander, so ?wait= answers at once instead of holding the test.
      const settled = (await real.request("GET", "/orders", "bystander-1")).body[0].id as string;
      for (const path of [
        "/orders",
        `/orders/${settled}`,
        `/orders/${settled}/events`,
        "/inventory",
        "/inventory/stats",
        "/payments",
        "/events",
        "/consistency",
      ]) {
        await fc.assert(
          fc.asyncProperty(query, async (params) => {
            const before = real.rowCounts();
            const answer = await send("GET", `${path}?${new URLSearchParams(params)}`, "bystander-1");
            expect(answer.status).toBeLessThan(500);
            if (answer.status !== 200) expectEnvelope(answer.status, answer.json, answer.text);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`GET ${path} wrote rows`);
          }),
          { numRuns: sessionsPerRoute, seed },
        );
      }
    },
    timeoutMs,
  );
});

describe(`${sessionsPerRoute} hostile x-session-id values on every route`, () => {
  test(
    "every route answers 400 SESSION_REQUIRED or SESSION_INVALID, naming x-session-id, and writes nothing",
    async () => {
      for (const [method, path, body, contentType, allowQuery] of everyRoute()) {
        await fc.assert(
          fc.asyncProperty(hostileSessionId, fc.boolean(), async (session, inQuery) => {
            const before = real.rowCounts();
            const viaQuery = allowQuery && inQuery;
            const target = viaQuery ? `${path}${path.includes("?") ? "&" : "?"}session=${encodeURIComponent(session)}` : path;
            const answer = await send(method, target, viaQuery ? null : session, body, contentType);
            if (answer.status !== 400)
              throw new Error(`${method} ${target} with session ${JSON.stringify(session)} answered ${answer.status}`);
            expectEnvelope(answer.status, answer.json, answer.text);
            const { code, error } = answer.json as { code: string; error: string };
            expect(code).toBe((viaQuery ? session : asReceived(session)) === "" ? "SESSION_REQUIRED" : "SESSION_INVALID");
            expect(error).toContain("x-session-id");
            if (!sameCounts(before, real.rowCounts())) throw new Error(`${method} ${path} wrote rows for a rejected session`);
          }),
          { numRuns: sessionsPerRoute, seed },
        );
      }
      // And the same routes without the header at all.
      for (const [method, path, body, contentType] of everyRoute()) {
        const answer = await send(method, path, null, body, contentType);
        expect([path, answer.status, (answer.json as { code: string }).code]).toEqual([path, 400, "SESSION_REQUIRED"]);
      }
      // The routes that need no session ignore a hostile one: no 5xx, nothing written.
      for (const path of ["/health", "/", "/?session=%00", "/assets/dashboard.js", "/assets/..%2f..%2fpackage.json"]) {
        await fc.assert(
          fc.asyncProperty(hostileSessionId, async (session) => {
            const before = real.rowCounts();
            const answer = await send("GET", path, session);
            expect(answer.status).toBeLessThan(500);
            if (!sameCounts(before, real.rowCounts())) throw new Error(`GET ${path} wrote rows`);
          }),
          { numRuns: Math.ceil(sessionsPerRoute / 5), seed },
        );
      }
      console.log(`http fuzz: ${JSON.stringify(httpFuzzStats)}`);
      expect(httpFuzzStats.fiveHundreds).toBe(0);
    },
    timeoutMs,
  );
});

// Found by attacking the server: `GET /assets/__proto__` answered 500 (a plain object as a table).
describe("prototype-property names in every path segment of every route", () => {
  const names = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "sampleValue", "__defineGetter__", "isPrototypeOf"];
  test(
    "never a 5xx, errors in the envelope, nothing written",
    async () => {
      const patterns = [...new Set(real.server.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))];
      let requests = 0;
      for (const pattern of patterns) {
        const [method, path] = pattern.split(" ") as [string, string];
        const segments = path.split("/");
        for (let i = 1; i < segments.length; i += 1) {
          for (const name of names) {
            const probe = segments.map((segment, j) => (j === i ? name : segment.startsWith(":") ? "1" : segment)).join("/");
            const before = real.rowCounts();
            const answer = await send(method, `${probe}${probe.includes("stream") ? "?after=0" : ""}`, "fuzz", undefined, null);
            requests += 1;
            if (answer.status >= 500) throw new Error(`${method} ${probe} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
            if (answer.status >= 400 && answer.json !== undefined) expectEnvelope(answer.status, answer.json, answer.text);
            // Only a route that writes by design may change rows (a reset, a seed): a probe of it resets the fuzz session alone.
            if (
              !/reset|seed|orders$|knobs|race|settings|check|cancel|compensate|retry|deliver|step|redeliver/.test(probe) &&
              !sameCounts(before, real.rowCounts())
            ) {
              throw new Error(`${method} ${probe} wrote rows`);
            }
          }
        }
      }
      expect(requests).toBeGreaterThan(patterns.length * names.length);
    },
    timeoutMs,
  );
});
