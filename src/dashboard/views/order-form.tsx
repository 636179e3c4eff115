import type { ProductJson } from "../../modules/inventory";
import type { OrderJson } from "../../modules/orders";
import type { ErrorDetail } from "../../platform/errors";
import type { OrderFormState } from "../order-form";
import { formatCents, shortId } from "../format";

// Left to the knobs, an order asks for nothing: it succeeds unless a failure-rate knob says otherwise.
const behaviours = [
  ["", "per the knobs"],
  ["success", "success"],
  ["failure", "failure"],
  ["random", "random (50/50)"],
] as const;

export interface OrderFormProps {
  products: ProductJson[];
  state: OrderFormState;
  errors?: ErrorDetail[];
  placed?: OrderJson;
  oob?: boolean;
}

/**
 * Posts to the dashboard, which validates with the API's own schema and places the order as the
 * API does. The answer goes into the result area below the form, never over the form itself:
 * what the user chose stays chosen, and every click is queued and sent in order
 * (`hx-sync="this:queue all"`), so five quick clicks place five orders.
 */
export function OrderForm(props: OrderFormProps) {
  const { state } = props;
  return (
    <section id="order-form" class="panel order-panel" hx-swap-oob={props.oob ? "true" : undefined}>
      <header class="panel-head">
        <h2>Place an order</h2>
      </header>
      <p class="hint">Pick products and how the saga should behave, then watch the order, the stock and the timeline move.</p>
      <form hx-post="/dashboard/orders" hx-target="#order-result" hx-swap="innerHTML" hx-sync="this:queue all" novalidate>
        <fieldset class="lines">
          <legend>Lines</legend>
          {state.lines.map((line, i) => (
            <div class="line">
              <label>
                <span class="visually-hidden">Product, line {i + 1}</span>
                <select name="product" data-line={i + 1}>
                  <option value="">— none —</option>
                  {props.products.map((p) => (
                    <option value={p.id} selected={p.id === line.product}>
                      {p.name} · {formatCents(p.price_cents)}
                    </option>
                  ))}
                  {line.product !== "" && !props.products.some((p) => p.id === line.product) ? (
                    <option value={line.product} selected>
                      {line.product} (not in the catalog)
                    </option>
                  ) : null}
                </select>
              </label>
              <label>
                <span class="visually-hidden">Quantity, line {i + 1}</span>
                <input
                  type="number"
                  name="quantity"
                  min="1"
                  inputmode="numeric"
                  value={line.quantity}
                  placeholder="qty"
                  data-line={i + 1}
                />
              </label>
            </div>
          ))}
        </fieldset>
        <div class="choices">
          <label>
            Payment
            <select name="paymentBehaviour">
              {behaviours.map(([value, label]) => (
                <option value={value} selected={state.paymentBehaviour === value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Inventory
            <select name="inventoryBehaviour">
              {behaviours.map(([value, label]) => (
                <option value={value} selected={state.inventoryBehaviour === value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="skipDemoDelays" value="true" checked={state.skipDemoDelays} />
            Skip demo delays
          </label>
        </div>
        <button type="submit" class="button button-primary">
          Place order
        </button>
      </form>
      <div id="order-result">
        <OrderResult errors={props.errors} placed={props.placed} />
      </div>
    </section>
  );
}

/** What the last submission came to: the order placed, or why none was. */
export function OrderResult(props: { errors?: ErrorDetail[]; placed?: OrderJson }) {
  if (props.errors && props.errors.length > 0) {
    return (
      <div class="form-errors" role="alert">
        <p>The order was not placed:</p>
        <ul>
          {props.errors.map((e) => (
            <li>
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (!props.placed) return null;
  return (
    <p class="form-ok" role="status" data-order-id={props.placed.id}>
      Order <code title={props.placed.id}>{shortId(props.placed.id)}</code> placed: its saga is running.
    </p>
  );
}
