import { type SessionSettings, knobRanges, rateRange } from "../../modules/session-settings";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

type DelayKnob = "inventoryDelayMs" | "paymentDelayMs";
type RateKnob = "inventoryFailureRate" | "paymentFailureRate" | "duplicateDeliveryRate" | "reactionFaultRate";

const delays: [DelayKnob, string, string][] = [
  ["inventoryDelayMs", "Inventory delay", "How long inventory waits before reserving (ms)"],
  ["paymentDelayMs", "Payment delay", "How long payments waits before charging (ms)"],
];

const rates: [RateKnob, string, string][] = [
  ["inventoryFailureRate", "Inventory failures", "Share of orders asking for no inventory behaviour that inventory fails"],
  ["paymentFailureRate", "Payment failures", "Share of orders asking for no payment behaviour whose card is declined"],
  ["duplicateDeliveryRate", "Duplicate deliveries", "Share of deliveries the bus makes twice: each duplicate must change nothing"],
  [
    "reactionFaultRate",
    "Reaction faults",
    "Share of deliveries that throw a transient fault: retried with backoff, dead-lettered after 5 attempts",
  ],
];

export const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/**
 * The teacher's knobs (`GET`/`PATCH /settings`), changed in place: every change posts the
 * whole form, applies to the next delivery, and reaches every open screen of the session.
 */
export function KnobsPanel(props: { settings: SessionSettings; oob?: boolean }) {
  const { settings } = props;
  return (
    <Panel
      id="knobs-panel"
      title="Knobs"
      path="/dashboard/knobs"
      trigger={liveTriggers.knobs}
      oob={props.oob}
      hint="This session's settings. Failure rates apply to orders that leave a behaviour “per the knobs”; every change applies to the next delivery."
    >
      <form id="knobs-form" class="knobs" hx-post="/dashboard/knobs" hx-trigger="change" hx-target="#knobs-panel" hx-swap="outerHTML">
        {delays.map(([name, label, title]) => (
          <label class="knob" data-knob={name} title={title}>
            <span class="knob-label">{label}</span>
            <input
              type="number"
              name={name}
              min={String(knobRanges[name].min)}
              max={String(knobRanges[name].max)}
              step="100"
              inputmode="numeric"
              value={String(settings[name])}
            />
            <span class="knob-unit muted">ms</span>
          </label>
        ))}
        {rates.map(([name, label, title]) => (
          <label class="knob" data-knob={name} title={title}>
            <span class="knob-label">{label}</span>
            <input
              type="range"
              name={name}
              min={String(rateRange.min)}
              max={String(rateRange.max)}
              step="0.05"
              value={String(settings[name])}
            />
            <output class="knob-value" data-percent-of={name}>
              {percent(settings[name])}
            </output>
          </label>
        ))}
        <label
          class="knob"
          data-knob="reservationTtlMs"
          title="A PENDING reservation older than this is released as expired (empty: never)"
        >
          <span class="knob-label">Reservation expires after</span>
          <input
            type="number"
            name="reservationTtlMs"
            min={String(knobRanges.reservationTtlMs.min)}
            max={String(knobRanges.reservationTtlMs.max)}
            step="1000"
            inputmode="numeric"
            placeholder="never"
            value={settings.reservationTtlMs === null ? "" : String(settings.reservationTtlMs)}
          />
          <span class="knob-unit muted">ms</span>
        </label>
        <label class="knob" data-knob="orderTimeoutMs" title="An order not final after this is cancelled (timeout), with its compensation">
          <span class="knob-label">Order times out after</span>
          <input
            type="number"
            name="orderTimeoutMs"
            min={String(knobRanges.orderTimeoutMs.min)}
            max={String(knobRanges.orderTimeoutMs.max)}
            step="1000"
            inputmode="numeric"
            value={String(settings.orderTimeoutMs)}
          />
          <span class="knob-unit muted">ms</span>
        </label>
        <label class="knob check" data-knob="stepMode" title="Hold every delivery of this session until it is stepped from the bus panel">
          <input type="checkbox" name="stepMode" value="on" checked={settings.stepMode} />
          <span class="knob-label">Step mode</span>
        </label>
      </form>
    </Panel>
  );
}
