import type { ProductJson } from "../../modules/inventory";
import type { OrderJson } from "../../modules/orders";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

export const RACE_MAX_ORDERS = 50;

/** One race: `count` orders for one unit of `product` placed at once, while `stockAtStart` units were left. */
export interface RaceView {
  product: string;
  stockAtStart: number;
  orders: OrderJson[];
}

/**
 * The race for the last units: many orders at once for one product, and who won. Every
 * reservation is one conditional UPDATE, so exactly as many complete as there were units.
 */
export function RacePanel(props: {
  products: ProductJson[];
  race?: RaceView;
  oob?: boolean;
  /**
   * Fetch itself again on arrival: the answer that starts a race may land after its orders have
   * settled, and no later event would tell it.
   */
  refreshOnLoad?: boolean;
}) {
  const { race } = props;
  const query = race
    ? `?product=${encodeURIComponent(race.product)}&stock=${race.stockAtStart}&orders=${race.orders.map((o) => encodeURIComponent(o.id)).join(",")}`
    : "";
  const completed = race?.orders.filter((o) => o.status === "COMPLETED").length ?? 0;
  const cancelled = race?.orders.filter((o) => o.status === "CANCELLED").length ?? 0;
  const running = (race?.orders.length ?? 0) - completed - cancelled;
  const fewest = [...props.products].sort((a, b) => a.available - b.available)[0];
  return (
    <Panel
      id="race-panel"
      title="Race for the last units"
      path={`/dashboard/race${query}`}
      trigger={props.refreshOnLoad ? `load, ${liveTriggers.race}` : liveTriggers.race}
      oob={props.oob}
      hint="Many orders at once for one unit each of one product: exactly as many win as there were units."
    >
      <form class="race-form" hx-post="/dashboard/race" hx-target="#race-panel" hx-swap="outerHTML">
        <label>
          Product
          <select name="product">
            {props.products.map((p) => (
              <option value={p.id} selected={p.id === (race?.product ?? fewest?.id)}>
                {p.name} ({p.available} left)
              </option>
            ))}
          </select>
        </label>
        <label>
          Orders
          <input type="number" name="count" min="1" max={RACE_MAX_ORDERS} value={String(race?.orders.length ?? 20)} />
        </label>
        <button type="submit" class="button">
          Start the race
        </button>
      </form>
      {race ? (
        <p class="race-result" data-completed={completed} data-cancelled={cancelled} data-running={running}>
          {race.orders.length} orders for 1 × <code>{race.product}</code> with {race.stockAtStart} left:{" "}
          <strong>{completed} completed</strong>, {cancelled} cancelled{running > 0 ? `, ${running} still running` : ""}.
        </p>
      ) : null}
    </Panel>
  );
}
