/** The dashboard's knobs form as a browser posts it: every knob, each at its default unless overridden. */
export function knobsFormFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    inventoryDelayMs: "3000",
    paymentDelayMs: "5000",
    shippingDelayMs: "2000",
    inventoryFailureRate: "0",
    paymentFailureRate: "0",
    shippingFailureRate: "0",
    duplicateDeliveryRate: "0",
    reactionFaultRate: "0",
    reservationTtlMs: "",
    orderTimeoutMs: "300000",
    sagaStyle: "choreography",
    ...overrides,
  };
}
