import fc from "fast-check";
import { bugSwitches } from "../../../src/modules/bugs";

/**
 * Inputs a careless or hostile client sends. Bodies are raw text (what goes over the wire),
 * mixing broken JSON, JSON of every shape, near-miss orders and catalogs whose fields are
 * wrong in one or many ways, prototype-pollution keys, deep nesting and oversized payloads.
 */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const weird = fc.oneof(
  fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1.5,
    -0,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    "",
    " ",
    "1",
    "\u0000",
    "\ud800",
    "<script>",
    "' OR 1=1 --",
    "../../etc/passwd",
  ),
);
const badQuantity = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1_000_001, 2 ** 53, 1.5, "5", "1e3", null, true, [], {}));
const behaviourish = fc.oneof(fc.constantFrom("success", "failure", "random", "SUCCESS", "", "fail"), weird);

const orderLine = fc.record(
  {
    product: fc.oneof(fc.string({ maxLength: 12 }), fc.string({ minLength: 201, maxLength: 260 }), weird),
    productId: fc.oneof(fc.string({ maxLength: 12 }), weird),
    quantity: badQuantity,
  },
  { requiredKeys: [] },
);
const nearOrder = fc.record(
  {
    items: fc.oneof(fc.array(orderLine, { maxLength: 6 }), fc.array(orderLine, { minLength: 101, maxLength: 105 }), weird),
    paymentBehaviour: behaviourish,
    inventoryBehaviour: behaviourish,
    skipDemoDelays: fc.oneof(fc.boolean(), weird),
    failTransaction: fc.oneof(fc.boolean(), weird),
    userId: fc.oneof(fc.string({ maxLength: 8 }), fc.string({ minLength: 201, maxLength: 220 }), weird),
  },
  { requiredKeys: [] },
);
const catalogLine = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,8}$/), fc.string({ maxLength: 70 }), weird),
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("", "   "), fc.string({ minLength: 201, maxLength: 210 }), weird),
    stock_level: badQuantity,
    price_cents: badQuantity,
  },
  { requiredKeys: [] },
);
const knobNames = [
  "inventoryDelayMs",
  "paymentDelayMs",
  "inventoryFailureRate",
  "paymentFailureRate",
  "duplicateDeliveryRate",
  "reactionFaultRate",
] as const;
const knobValue = fc.oneof(
  fc.integer({ min: -10, max: 70_000 }),
  fc.double({ min: -0.5, max: 1.5, noNaN: true }),
  fc.constantFrom(0, 1, 0.5, 60_000, 60_001, 1.0000001, Number.NaN, Number.POSITIVE_INFINITY),
  weird,
);
const nearSettings = fc.record(
  {
    ...Object.fromEntries(knobNames.map((name) => [name, knobValue])),
    stepMode: fc.oneof(fc.boolean(), weird),
    predictNext: fc.oneof(fc.boolean(), weird),
    reservationTtlMs: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4_000_000 }), weird),
    orderTimeoutMs: fc.oneof(fc.integer({ min: 0, max: 90_000_000 }), weird),
    warpSpeed: weird,
    // "Break it": the switches (known, unknown, repeated, not a list) and the dual write's crash rate.
    bugs: fc.oneof(
      fc.subarray([...bugSwitches]),
      fc.array(fc.constantFrom(...bugSwitches, "dropEverything", "", "__proto__"), { maxLength: 8 }),
      weird,
    ),
    crashBetweenWritesRate: knobValue,
  } as Record<
    | (typeof knobNames)[number]
    | "stepMode"
    | "predictNext"
    | "reservationTtlMs"
    | "orderTimeoutMs"
    | "warpSpeed"
    | "bugs"
    | "crashBetweenWritesRate",
    fc.Arbitrary<unknown>
  >,
  { requiredKeys: [] },
);
const nearSeed = fc.record({ products: fc.oneof(fc.array(catalogLine, { maxLength: 6 }), fc.constant([]), weird) }, { requiredKeys: [] });

const hostileShapes = fc.constantFrom(
  '{"__proto__":{"items":[{"product":"laptop","quantity":1}]}}',
  '{"constructor":{"prototype":{"items":[]}}}',
  '{"items":[{"product":"laptop","quantity":1}],"items":"dup"}',
  "[".repeat(20_000) + "]".repeat(20_000),
  `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`,
  '{"items":[{"product":"laptop","quantity":1e400}]}',
  '{"items":[{"product":"\\ud800","quantity":1}]}',
  '{"products":[{"id":"x","name":"y","stock_level":-0,"price_cents":1}]}',
  "\uFEFF{}",
  "null",
  '"string"',
  "{} {}",
  "{,}",
);
const oversized = fc.integer({ min: 64 * 1024 + 1, max: 70 * 1024 }).map((n) => `{"items":[],"pad":"${"x".repeat(n)}"}`);

const asText = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return String(value);
  }
};

/** A body as sent: its text (broken more often than not) and the content type claimed for it. */
export const hostileBody = (nearMiss: fc.Arbitrary<unknown>) =>
  fc.record({
    text: fc.oneof(
      { weight: 4, arbitrary: nearMiss.map(asText) },
      { weight: 2, arbitrary: anyJson.map(asText) },
      { weight: 2, arbitrary: fc.tuple(nearMiss.map(asText), fc.nat()).map(([t, cut]) => t.slice(0, cut % Math.max(1, t.length))) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
      { weight: 1, arbitrary: hostileShapes },
      { weight: 1, arbitrary: oversized },
    ),
    contentType: fc.constantFrom(
      "application/json",
      "application/json",
      "application/json; charset=utf-8",
      "application/vnd.api+json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      null,
    ),
  });

export const hostileOrderBody = hostileBody(nearOrder);
export const hostileSeedBody = hostileBody(nearSeed);
/** Near a cart line (`PUT /cart/:id/items {product, quantity}`): products known or not, quantities at and past their bounds, wrong types. */
export const hostileCartLineBody = hostileBody(
  fc.record(
    {
      product: fc.oneof(fc.constantFrom("laptop", "mouse", "no-such-product", "", "x".repeat(201), "__proto__"), weird),
      quantity: fc.oneof(fc.constantFrom(0, 1, 2, -1, 1.5, 1_000_000, 1_000_001, Number.MAX_SAFE_INTEGER), weird),
      extra: fc.string({ maxLength: 8 }),
    },
    { requiredKeys: [] },
  ),
);
export const hostileSettingsBody = hostileBody(nearSettings);
/** Near a teacher's broadcast: settings near a patch, a scenario name or not, confirm or not, extra keys. */
export const hostileBroadcastBody = hostileBody(
  fc.record(
    {
      settings: fc.oneof(nearSettings, weird),
      scenario: fc.oneof(fc.constantFrom("double-release", "no-such-scenario", ""), weird),
      confirm: fc.oneof(fc.constant(false), weird),
      extra: fc.string({ maxLength: 8 }),
    },
    { requiredKeys: [] },
  ),
);
/** Near a session name (`PATCH /session {name}`): blank, too long, control characters, wrong types, extra keys. */
const nearSessionName = fc.record(
  {
    name: fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.string({ unit: "binary", maxLength: 45 }),
      fc.constantFrom("", "   ", "a\nb", "\u0000", "x".repeat(41), ` ${"y".repeat(40)} `, "<script>alert(1)</script>"),
      fc.integer(),
      fc.constant(null),
    ),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
export const hostileSessionNameBody = hostileBody(nearSessionName);
export const hostileAnyBody = hostileBody(fc.oneof(nearOrder, nearSeed, anyJson));

/**
 * The value as it arrives: fetch strips leading and trailing HTTP whitespace (space, tab, CR,
 * LF; not other Unicode spaces) and refuses NUL, line breaks and non-Latin-1 (null here).
 */
export function asReceived(value: string): string | null {
  try {
    return new Headers({ "x-session-id": value }).get("x-session-id");
  } catch {
    return null;
  }
}

/**
 * Session ids outside the contract's form (1–64 of A-Z a-z 0-9 . _ : -), even after the
 * trimming fetch applies: empty, blank, too long, and every kind of stray character.
 */
export const hostileSessionId = fc
  .oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.stringMatching(/^[A-Za-z0-9._:-]{65,90}$/),
    fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9._:-]{0,30}$/),
        fc.constantFrom(" ", "/", "\\", "'", '"', ",", ";", "%00", "*", "é", "\t", "<", "{", "?", "#", "@", "+", "="),
        fc.stringMatching(/^[A-Za-z0-9._:-]{0,30}$/),
      )
      .map(([a, bad, b]) => `${a}${bad}${b}`),
    fc.constantFrom(
      "",
      " ",
      "   ",
      "\u000b",
      "\u00a0",
      "' OR '1'='1",
      "../other-session",
      "%2e%2e",
      "a b",
      "null",
      "{}",
      "*",
      "x".repeat(65),
      "session,other",
      "🙂",
    ),
  )
  .filter((value) => {
    const received = asReceived(value);
    return received !== null && !/^[A-Za-z0-9._:-]{1,64}$/.test(received);
  });

const formValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.constantFrom(
    "",
    " ",
    "1",
    "0",
    "-1",
    "1.5",
    "1e3",
    "999999999",
    "1000001",
    "laptop",
    "mouse",
    "success",
    "failure",
    "random",
    "on",
    "\u0000",
    "<script>",
  ),
);
/** The dashboard's order form as a browser (or anyone) might post it: urlencoded, multipart or junk. */
export const hostileOrderForm = fc.record({
  fields: fc.array(
    fc.tuple(
      fc.constantFrom("product", "quantity", "paymentBehaviour", "inventoryBehaviour", "skipDemoDelays", "idempotencyKey", "items", "x"),
      formValue,
    ),
    { maxLength: 12 },
  ),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "junk"),
  junk: fc.string({ unit: "binary", maxLength: 80 }),
});

/** The knobs form's fields (every knob, step mode) with hostile or plausible values, and the same encodings. */
export const hostileKnobsForm = fc.record({
  fields: fc.array(
    fc.tuple(
      fc.constantFrom(...knobNames, "reservationTtlMs", "orderTimeoutMs", "stepMode", "predictNext", "x"),
      fc.oneof(formValue, fc.integer({ min: -5, max: 70_000 }).map(String), fc.double({ min: -0.5, max: 1.5, noNaN: true }).map(String)),
    ),
    { maxLength: 10 },
  ),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "junk"),
  junk: fc.string({ unit: "binary", maxLength: 80 }),
});

/** The Break it form's fields (switches ticked, the crash rate) with hostile or plausible values, and the same encodings. */
export const hostileBugsForm = fc.record({
  fields: fc.array(
    fc.tuple(
      fc.constantFrom("bugs", "bugs", "crashBetweenWritesRate", "x"),
      fc.oneof(formValue, fc.constantFrom(...bugSwitches), fc.double({ min: -0.5, max: 1.5, noNaN: true }).map(String)),
    ),
    { maxLength: 10 },
  ),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "junk"),
  junk: fc.string({ unit: "binary", maxLength: 80 }),
});

/** The race form's fields (product, count) with hostile values, and the same encodings. */
/** The room's pick ("What happens next?"): the delivery it is for and a reaction, hostile or plausible. */
export const hostileGuessForm = fc.record({
  fields: fc.array(
    fc.tuple(
      fc.constantFrom("deliveryId", "reaction", "reaction", "x"),
      fc.oneof(
        formValue,
        fc.integer({ min: -5, max: 1_000 }).map(String),
        fc.constantFrom("inventory.reserveStockWhenOrderCreated", "notifications.notifyOnOrderCreated", "__proto__", "a".repeat(201)),
      ),
    ),
    { maxLength: 6 },
  ),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "junk"),
  junk: fc.string({ unit: "binary", maxLength: 80 }),
});

export const hostileRaceForm = fc.record({
  fields: fc.array(fc.tuple(fc.constantFrom("product", "count", "x"), fc.oneof(formValue, fc.integer({ min: -5, max: 80 }).map(String))), {
    maxLength: 6,
  }),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "junk"),
  junk: fc.string({ unit: "binary", maxLength: 80 }),
});
