import type { ProductJson } from "../../modules/inventory";
import type { OrderJson } from "../../modules/orders";
import { sagaStyles } from "../../modules/saga-terms";
import type { ErrorDetail } from "../../platform/errors";
import { formatCents, shortId } from "../format";
import type { OrderFormState } from "../order-form";
import { CartBox } from "./cart";

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
  /** Rendered once per form: every submission of this render sends it, so a double click replays. */
  idempotencyKey: string;
  oob?: boolean;
}

/** The form's Idempotency-Key; a new order's answer swaps in a fresh one out of band. */
export function OrderFormKey(props: { idempotencyKey: string; oob?: boolean }) {
  return (
    <input
      type="hidden"
      id="order-form-key"
      name="idempotencyKey"
      value={props.idempotencyKey}
      hx-swap-oob={props.oob ? "true" : undefined}
    />
  );
}

/**
 * Posts to the dashboard, which validates with the API's own schema and places the order as the
 * API does. The answer goes into the result area below the form, never over the form itself:
 * what the user chose stays chosen. The button is disabled while its request is in flight
 * (`hx-disable`), and every click of one render sends the same Idempotency-Key, so a double
 * click places one order and the second answers it again.
 */
export function OrderForm(props: OrderFormProps) {
  const { state } = props;
  return (
    <section id="order-form" class="panel order-panel" hx-swap-oob={props.oob ? "true" : undefined}>
      <header class="panel-head">
        <h2>Place an order</h2>
      </header>
      <p class="hint">Pick products and how the saga should behave, then watch the order, the stock and the timeline move.</p>
      <form
        hx-post="/dashboard/orders"
        hx-target="#order-result"
        hx-swap="innerHTML"
        hx-sync="this:queue all"
        hx-disable="find .place-order"
        novalidate
      >
        <OrderFormKey idempotencyKey={props.idempotencyKey} />
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
          <label title="Used only while the knobs' shipment step is on">
            Shipping
            <select name="shippingBehaviour">
              {behaviours.map(([value, label]) => (
                <option value={value} selected={state.shippingBehaviour === value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label title="Who drives the saga: the participants reacting to each other, an orchestrator's commands, or synchronous calls">
            Saga style
            <select name="sagaStyle">
              {sagaStyles.map((style) => (
                <option value={style} selected={state.sagaStyle === style}>
                  {style}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="skipDemoDelays" value="true" checked={state.skipDemoDelays} />
            Skip demo delays
          </label>
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary place-order">
            Place order
          </button>
          <button
            type="button"
            class="button button-quiet check-availability"
            title="POST /inventory/check: would these lines be reserved now? Reserves nothing"
            hx-post="/dashboard/inventory/check"
            hx-include="closest form"
            hx-target="#order-result"
            hx-swap="innerHTML"
          >
            Check availability
          </button>
          <button
            type="button"
            class="button button-quiet add-to-cart"
            title="PUT /cart/:id/items for each line: gather an order in a cart (it reserves nothing), then Check out"
            hx-post="/dashboard/cart/items"
            hx-include="closest form"
            hx-target="#cart-box"
            hx-swap="outerHTML"
          >
            Add to cart
          </button>
        </div>
        <CartBox />
      </form>
      <div id="order-result">
        <OrderResult errors={props.errors} placed={props.placed} />
      </div>
    </section>
  );
}

/** What the last order submission came to: the order placed (or answered again), or why none was. */
export function OrderResult(props: { errors?: ErrorDetail[]; placed?: OrderJson; replayed?: boolean; again?: RepeatableOrder }) {
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
  const { placed, again } = props;
  return (
    <div class="form-ok" role="status" data-order-id={placed.id} data-replayed={String(props.replayed ?? false)}>
      {props.replayed ? (
        <p>
          Same <code>Idempotency-Key</code>, same order: <code title={placed.id}>{shortId(placed.id)}</code> was answered again (
          {placed.status}), and nothing new was created.
        </p>
      ) : (
        // This confirmation is not refreshed, so it says only what stays true once the saga ends.
        <p>
          Order <code title={placed.id}>{shortId(placed.id)}</code> placed; follow its saga in the timeline.
        </p>
      )}
      {again ? <SendAgain again={again} /> : null}
    </div>
  );
}

/** The exact request an order was placed with, to send it again: the form's fields and its Idempotency-Key. */
export interface RepeatableOrder {
  fields: [name: string, value: string][];
  idempotencyKey: string;
}

/**
 * A retry by a client that never heard the answer: the same body with the same
 * Idempotency-Key. The server recognises it and answers the first order again.
 */
function SendAgain(props: { again: RepeatableOrder }) {
  return (
    <form class="send-again" hx-post="/dashboard/orders" hx-target="#order-result" hx-swap="innerHTML">
      {props.again.fields.map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="idempotencyKey" value={props.again.idempotencyKey} />
      <button type="submit" class="button button-quiet button-small" title={`Idempotency-Key: ${props.again.idempotencyKey}`}>
        Send the same request again
      </button>
    </form>
  );
}

/** `POST /inventory/check` for the form's lines: would each be reserved now? */
export function AvailabilityResult(props: {
  check: { allAvailable: boolean; items: { product: string; requested: number; available: number; isAvailable: boolean }[] };
}) {
  const { check } = props;
  return (
    <div class="availability" role="status" data-all-available={String(check.allAvailable)}>
      <p>{check.allAvailable ? "Every line is available now (nothing was reserved)." : "Not everything is available now:"}</p>
      <ul>
        {check.items.map((item) => (
          <li data-product={item.product} data-available={String(item.isAvailable)}>
            {item.isAvailable ? "✓" : "✗"} {item.requested} × {item.product}: {item.available} available
          </li>
        ))}
      </ul>
    </div>
  );
}
