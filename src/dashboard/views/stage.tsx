import type { ConsistencyReport } from "../../consistency/invariants";
import type { ProductJson } from "../../modules/inventory";
import { sagaStyles } from "../../modules/saga-terms";
import type { BreakItCode } from "../../scenarios";
import { ALERT_REGION_ID } from "../../web/error-fragment";
import { Layout } from "../../web/layout";
import type { DiagramView } from "../dashboard-data";
import type { OrderFormState } from "../order-form";
import { ScenarioButtons } from "./break-it";
import { BusPanel, type BusView } from "./bus";
import { InvariantsVerdict } from "./invariants";
import { RESET_INVENTORY_WARNING } from "./inventory";
import { DiagramSlot } from "./page";
import { PageHeader } from "./page-header";
import { ReservationsPanel } from "./reservations";
import type { TimelineProps } from "./timeline";

/** What the stage view shows: a slice of the dashboard's view, read the same way. */
export interface StageView {
  sessionId: string;
  products: ProductJson[];
  form: OrderFormState;
  diagram: DiagramView;
  timeline: TimelineProps;
  reservations: Parameters<typeof ReservationsPanel>[0];
  bus: BusView;
  invariants: { report: ConsistencyReport };
  breakIt: BreakItCode;
}

export const STAGE_CONTROLS_ID = "stage-controls";

const paymentChoices = [
  ["", "payment: knobs"],
  ["success", "payment: ok"],
  ["failure", "payment: fails"],
  ["random", "payment: 50/50"],
] as const;

/**
 * The workshop's controls for the room, on one row: an order of one product line with its
 * payment and saga style (posted to the same route as the dashboard's form), a reset of the
 * stock between exercises, "Break it"'s scenarios (folded: a run wipes the session, and asks
 * first) and the invariants' verdict. Step mode, Step and Deliver are the bus panel's own buttons.
 */
function StageControls(props: { products: ProductJson[]; form: OrderFormState; report: ConsistencyReport; breakIt: BreakItCode }) {
  const line = props.form.lines[0] ?? { product: "", quantity: "1" };
  return (
    <section id={STAGE_CONTROLS_ID} class="stage-controls" aria-label="Controls of the exercise">
      <form
        class="stage-order"
        hx-post="/dashboard/orders"
        hx-target="#stage-order-result"
        hx-swap="innerHTML"
        hx-sync="this:queue all"
        novalidate
      >
        <label>
          <span class="visually-hidden">Product</span>
          <select name="product">
            {props.products.map((p) => (
              <option value={p.id} selected={p.id === line.product}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Quantity</span>
          <input type="number" name="quantity" min="1" inputmode="numeric" value={line.quantity || "1"} />
        </label>
        <label>
          <span class="visually-hidden">Payment</span>
          <select name="paymentBehaviour">
            {paymentChoices.map(([value, label]) => (
              <option value={value} selected={props.form.paymentBehaviour === value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Saga style</span>
          <select name="sagaStyle">
            {sagaStyles.map((style) => (
              <option value={style} selected={props.form.sagaStyle === style}>
                {style}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="button button-primary">
          Place order
        </button>
        <button
          type="button"
          class="button button-quiet stage-reset"
          hx-post="/dashboard/inventory/reset"
          // The answer is the dashboard's stock panels: the board takes its out-of-band copy, the rest has no place here.
          hx-swap="none"
          hx-confirm={RESET_INVENTORY_WARNING}
          title="Drops this session's reservations and reloads the default catalog"
        >
          Reset stock
        </button>
      </form>
      <details class="stage-break-it">
        <summary>Break it</summary>
        <ScenarioButtons scenarios={props.breakIt.scenarios} compact />
      </details>
      <InvariantsVerdict report={props.report} />
      <div id="stage-order-result" class="stage-result" />
    </section>
  );
}

/**
 * The stage view (`/?session=…&view=stage`), for a projector: the diagram slot, the
 * reservation board, the bus's next deliveries and the exercise's controls on one screen,
 * in text at least 20 px. The page is exactly the viewport's height; each part scrolls inside
 * its own box, so nothing is ever pushed off the screen.
 */
export function StagePage(props: { view: StageView }) {
  const { view } = props;
  return (
    <Layout title={`Saga stage · ${view.sessionId}`} rootClass="stage-view">
      <div class="stage">
        <PageHeader sessionId={view.sessionId} view="stage" catalogEmpty={view.products.length === 0} />
        <div id={ALERT_REGION_ID} role="status" aria-live="polite" />
        <StageControls products={view.products} form={view.form} report={view.invariants.report} breakIt={view.breakIt} />
        <main class="stage-grid">
          <DiagramSlot diagram={view.diagram} timeline={view.timeline} />
          <ReservationsPanel {...view.reservations} />
          <BusPanel {...view.bus} />
        </main>
      </div>
    </Layout>
  );
}
