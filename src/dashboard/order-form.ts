import type { z } from "zod";
import { MAX_ORDER_LINES, type PlaceOrderInput, placeOrderBehavioursSchema, placeOrderBodySchema } from "../modules/orders";
import { type Behaviour, behaviourSchema, type SagaStyle, sagaStyleSchema } from "../modules/saga-terms";
import type { ErrorDetail } from "../platform/errors";
import { validated } from "../platform/validation";

/** The lines the form shows; empty lines are ignored on submit. */
export const FORM_LINES = 3;

/** A behaviour the order asks for, or none (`""`): then the session's failure-rate knobs decide. */
export type BehaviourChoice = Behaviour | "";

export interface OrderFormState {
  lines: { product: string; quantity: string }[];
  paymentBehaviour: BehaviourChoice;
  inventoryBehaviour: BehaviourChoice;
  /** Asked of shipping only when the session's shipment step is on. */
  shippingBehaviour: BehaviourChoice;
  skipDemoDelays: boolean;
  /** The saga style the order is placed with: the session's setting, unless the form chooses another. */
  sagaStyle: SagaStyle;
}

export function emptyOrderForm(defaultProduct: string | undefined, sagaStyle: SagaStyle = "choreography"): OrderFormState {
  return {
    lines: Array.from({ length: FORM_LINES }, (_, i) => ({ product: i === 0 ? (defaultProduct ?? "") : "", quantity: i === 0 ? "1" : "" })),
    paymentBehaviour: "",
    inventoryBehaviour: "",
    shippingBehaviour: "",
    skipDemoDelays: false,
    sagaStyle,
  };
}

/** A quantity as typed: a whole number (the schema then bounds it). */
const wholeNumber = /^\d{1,9}$/;

/** A line left blank, which the form ignores. */
const isEmpty = (line: { product: string; quantity: string }) => line.product === "" && line.quantity === "";

export type ParsedOrderForm = { ok: true; input: PlaceOrderInput } | { ok: false; errors: ErrorDetail[] };

function behaviourOf(value: FormDataEntryValue | null): BehaviourChoice {
  const parsed = behaviourSchema.safeParse(value);
  return parsed.success ? parsed.data : "";
}

/**
 * Turns the submitted form into the same body `POST /orders` takes and validates it with the
 * same schema, so the form and the API can never disagree on what a valid order is. Mistakes a
 * user can make in the form come back as its errors; more lines than an order may have throws
 * the API's own ValidationError.
 */
/** What the form asks of the saga, as a body would send it: a behaviour left to the knobs is not sent. */
function choicesOf(form: FormData) {
  return {
    paymentBehaviour: behaviourOf(form.get("paymentBehaviour")) || undefined,
    inventoryBehaviour: behaviourOf(form.get("inventoryBehaviour")) || undefined,
    shippingBehaviour: behaviourOf(form.get("shippingBehaviour")) || undefined,
    skipDemoDelays: form.get("skipDemoDelays") !== null,
    // Absent or unknown: the order takes the session's setting, as a body without one would.
    sagaStyle: sagaStyleSchema.safeParse(form.get("sagaStyle")).data,
  };
}

/** A cart's checkout from the form: its behaviours, judged by the schema `POST /cart/:id/checkout` uses. */
export function parseCheckoutForm(form: FormData): CheckoutInput {
  return validated(placeOrderBehavioursSchema, choicesOf(form));
}
export type CheckoutInput = z.infer<typeof placeOrderBehavioursSchema>;

export function parseOrderForm(form: FormData): ParsedOrderForm {
  const products = form.getAll("product").map(String);
  const quantities = form.getAll("quantity").map(String);
  const lines = products.map((product, i) => ({ product: product.trim(), quantity: (quantities[i] ?? "").trim() }));
  const choices = choicesOf(form);
  const filled = lines.filter((line) => !isEmpty(line));
  // More lines than an order may have: the page's form never sends that (it offers FORM_LINES),
  // so it is judged exactly as `POST /orders` judges the same lines, a 400 VALIDATION_FAILED
  // thrown to the app's one error path, rather than a hint beside the form.
  if (filled.length > MAX_ORDER_LINES) {
    const asSent = filled.map((line) => ({
      product: line.product,
      quantity: wholeNumber.test(line.quantity) ? Number(line.quantity) : line.quantity,
    }));
    return { ok: true, input: validated(placeOrderBodySchema, { items: asSent }) };
  }

  const errors: ErrorDetail[] = [];
  const items: { product: string; quantity: number }[] = [];
  lines.forEach((line, i) => {
    if (isEmpty(line)) return;
    const label = `line ${i + 1}`;
    if (line.product === "") errors.push({ path: `${label}.product`, message: "Choose a product for this quantity" });
    if (!wholeNumber.test(line.quantity)) {
      errors.push({ path: `${label}.quantity`, message: "Quantity must be a whole number" });
      return;
    }
    items.push({ product: line.product, quantity: Number(line.quantity) });
  });
  if (errors.length > 0) return { ok: false, errors };

  const parsed = placeOrderBodySchema.safeParse({ items, ...choices });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({ path: readablePath(issue.path), message: readableMessage(issue) })),
    };
  }
  return { ok: true, input: parsed.data };
}

/**
 * A refusal of the schema in the form's words, read after its field ("line 1.quantity must be at
 * least 1"): the library's own sentences ("Too small: expected number to be >=1") are for APIs.
 */
function readableMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small" && issue.origin === "number") return `must be at least ${issue.minimum}`;
  if (issue.code === "too_big" && issue.origin === "number") return `must be at most ${issue.maximum}`;
  if (issue.code === "too_big" && issue.origin === "string") return `must be at most ${issue.maximum} characters`;
  if (issue.code === "too_small" && issue.origin === "array") return "an order needs at least one line with a product and a quantity";
  return issue.message;
}

/** `items.0.quantity` → `line 1.quantity`, `items` → `lines`: the form's words, not the API's. */
function readablePath(path: readonly PropertyKey[]): string {
  if (path[0] !== "items") return path.map(String).join(".");
  if (path.length === 1) return "lines";
  return [`line ${Number(path[1]) + 1}`, ...path.slice(2).map(String)].join(".");
}
