import { describe, expect, test } from "bun:test";
import { demoDelay, type SessionSettings } from "../../src/modules/session-settings";
import { readStoredSettings } from "../../src/settings/settings.store";

const defaults: SessionSettings = {
  inventoryDelayMs: 3_000,
  paymentDelayMs: 5_000,
  shippingDelayMs: 2_000,
  inventoryFailureRate: 0,
  paymentFailureRate: 0,
  duplicateDeliveryRate: 0,
  reactionFaultRate: 0,
  stepMode: false,
  predictNext: false,
  shipmentStep: false,
  shippingFailureRate: 0,
  reservationTtlMs: null,
  orderTimeoutMs: 300_000,
  cartTtlMs: 1_800_000,
  sagaStyle: "choreography",
  bugs: [],
  crashBetweenWritesRate: 0,
};

/** Given a stored row, when it is read, then these settings and these warnings. */
function read(stored: unknown) {
  const warnings: string[] = [];
  return { settings: readStoredSettings(stored, defaults, (problem) => warnings.push(problem)), warnings };
}

describe("stored settings, read knob by knob", () => {
  test("a row that parses is the session's settings; a knob it lacks (added since) has its default", () => {
    expect(read({ paymentFailureRate: 0.3, stepMode: true })).toEqual({
      settings: { ...defaults, paymentFailureRate: 0.3, stepMode: true },
      warnings: [],
    });
  });
  test("a knob that no longer parses falls back to its default, said once; the others keep their values", () => {
    expect(read({ paymentFailureRate: 0.3, inventoryDelayMs: 9_999_999, orderTimeoutMs: "soon" })).toEqual({
      settings: { ...defaults, paymentFailureRate: 0.3 },
      warnings: [
        "stored inventoryDelayMs 9999999 is not a valid value; using the default, 3000",
        'stored orderTimeoutMs "soon" is not a valid value; using the default, 300000',
      ],
    });
  });
  test("a row that is not an object at all is the defaults; unknown keys are dropped", () => {
    expect(read("garbage").settings).toEqual(defaults);
    expect(read(null).settings).toEqual(defaults);
    expect(read({ warpSpeed: 9 }).settings).toEqual(defaults);
  });
});

describe("a demo delay as a delivery's delay", () => {
  const settings = { of: () => defaults };
  const inventory = demoDelay(settings, "inventoryDelayMs");
  const payment = demoDelay(settings, "paymentDelayMs");
  test("is the session's knob for an order that keeps the demo delays", () => {
    const event = { sessionId: "s", data: { skipDemoDelays: false } };
    expect([inventory(event), payment(event)]).toEqual([3_000, 5_000]);
  });
  test("is none for an order placed with skipDemoDelays", () => {
    const event = { sessionId: "s", data: { skipDemoDelays: true } };
    expect([inventory(event), payment(event)]).toEqual([0, 0]);
  });
});
