import { knobRanges, rateRange, type SessionSettings, sagaStyles } from "../../modules/session-settings";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

type MsKnob = keyof typeof knobRanges;
type RateKnob = "inventoryFailureRate" | "paymentFailureRate" | "shippingFailureRate" | "duplicateDeliveryRate" | "reactionFaultRate";

/** A knob measured in ms: its input offers the range the settings schema checks (knobRanges). */
type MsKnobSpec = { name: MsKnob; label: string; title: string; step: number; placeholder?: string };

const delays: MsKnobSpec[] = [
  { name: "inventoryDelayMs", label: "Inventory delay", title: "How long inventory waits before reserving (ms)", step: 100 },
  { name: "paymentDelayMs", label: "Payment delay", title: "How long payments waits before charging (ms)", step: 100 },
  {
    name: "shippingDelayMs",
    label: "Shipping delay",
    title: "How long shipping waits before shipping a paid order (ms; shipment step only)",
    step: 100,
  },
];

const deadlines: MsKnobSpec[] = [
  {
    name: "reservationTtlMs",
    label: "Reservation expires after",
    title: "A PENDING reservation older than this is released as expired (empty: never)",
    step: 1000,
    placeholder: "never",
  },
  {
    name: "orderTimeoutMs",
    label: "Order times out after",
    title: "An order not final after this is cancelled (timeout), with its compensation",
    step: 1000,
  },
  {
    name: "cartTtlMs",
    label: "Cart expires after",
    title: "A cart not changed for this long expires (404 CART_EXPIRED) and counts as abandoned",
    step: 1000,
  },
];

const rates: [RateKnob, string, string][] = [
  ["inventoryFailureRate", "Inventory failures", "Share of orders asking for no inventory behaviour that inventory fails"],
  ["paymentFailureRate", "Payment failures", "Share of orders asking for no payment behaviour whose card is declined"],
  [
    "shippingFailureRate",
    "Shipping failures",
    "Share of orders with the shipment step, asking for no shipping behaviour, whose shipment fails",
  ],
  ["duplicateDeliveryRate", "Duplicate deliveries", "Share of deliveries the bus makes twice: each duplicate must change nothing"],
  [
    "reactionFaultRate",
    "Reaction faults",
    "Share of deliveries that throw a transient fault: retried with backoff, dead-lettered after 5 attempts",
  ],
];

export const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/**
 * Each field's id: the panel is replaced whole after every change, and htmx gives the focus back
 * to the element of the same id, so a keyboard user can press an arrow key again and again.
 */
const knobId = (name: string) => `knob-${name}`;

/** One ms knob; a null setting (a reservation that never expires) shows as empty, with its placeholder. */
function MsKnobInput({ spec: { name, label, title, step, placeholder }, value }: { spec: MsKnobSpec; value: number | null }) {
  return (
    <label class="knob" data-knob={name} title={title}>
      <span class="knob-label">{label}</span>
      <input
        type="number"
        id={knobId(name)}
        name={name}
        min={String(knobRanges[name].min)}
        max={String(knobRanges[name].max)}
        step={String(step)}
        inputmode="numeric"
        placeholder={placeholder}
        value={value === null ? "" : String(value)}
      />
      <span class="knob-unit muted">ms</span>
    </label>
  );
}

/**
 * The teacher's knobs (`GET`/`PATCH`/`DELETE /settings`), changed in place: every change posts
 * the knob that changed, applies to the next delivery, and reaches every open screen of the
 * session; Reset knobs puts them all back to a new session's defaults.
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
      actions={
        <button
          type="button"
          id="knobs-reset"
          class="button button-quiet"
          hx-post="/dashboard/knobs/reset"
          hx-target="#knobs-panel"
          hx-swap="outerHTML"
          hx-confirm="Reset every knob of this session to a new session's default? Break it's switches go off and step mode releases what it holds."
          title="Puts every knob (and Break it's switches) back to a new session's default"
        >
          Reset knobs
        </button>
      }
    >
      {/* novalidate: the server judges each knob with the settings' schema (a step the browser would
          refuse, 1500 ms, is a valid setting), and a refusal is an alert, then the panel is fetched
          again (public/dashboard.js), so no field is left showing a value the session does not have. */}
      {/* Each change posts in order, from one queue that outlives the form (every answer replaces
          it): changes made while one still posts are all sent, the last one last. */}
      <form
        id="knobs-form"
        class="knobs"
        novalidate
        hx-post="/dashboard/knobs"
        hx-trigger="change"
        hx-sync="body:queue all"
        hx-target="#knobs-panel"
        hx-swap="outerHTML"
      >
        {delays.map((spec) => (
          <MsKnobInput spec={spec} value={settings[spec.name]} />
        ))}
        {rates.map(([name, label, title]) => (
          <label class="knob" data-knob={name} title={title}>
            <span class="knob-label">{label}</span>
            <input
              type="range"
              id={knobId(name)}
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
        {deadlines.map((spec) => (
          <MsKnobInput spec={spec} value={settings[spec.name]} />
        ))}
        <label class="knob" data-knob="sagaStyle" title="How an order placed without a style of its own runs its saga">
          <span class="knob-label">Saga style</span>
          <select id={knobId("sagaStyle")} name="sagaStyle">
            {sagaStyles.map((style) => (
              <option value={style} selected={settings.sagaStyle === style}>
                {style}
              </option>
            ))}
          </select>
        </label>
        <label
          class="knob check"
          data-knob="shipmentStep"
          title="Orders placed from now on are shipped after the payment; inventory then confirms their stock on SHIPMENT_CREATED"
        >
          <input type="checkbox" id={knobId("shipmentStep")} name="shipmentStep" value="on" checked={settings.shipmentStep} />
          <span class="knob-label">Shipment step</span>
        </label>
        <label class="knob check" data-knob="stepMode" title="Hold every delivery of this session until it is stepped from the bus panel">
          <input type="checkbox" id={knobId("stepMode")} name="stepMode" value="on" checked={settings.stepMode} />
          <span class="knob-label">Step mode</span>
        </label>
        <label class="knob check" data-knob="predictNext" title="In step mode, ask the room what happens next before each Step">
          <input type="checkbox" id={knobId("predictNext")} name="predictNext" value="on" checked={settings.predictNext} />
          <span class="knob-label">Predict next</span>
        </label>
      </form>
    </Panel>
  );
}
