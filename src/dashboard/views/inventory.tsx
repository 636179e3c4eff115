import type { InventoryStats, ProductJson } from "../../modules/inventory";
import { formatCents } from "../format";
import { liveTriggers } from "../live";
import { Panel } from "./panel";

/**
 * Asked before an inventory reset: what it does to orders in flight. Their reservations go; a
 * payment that then succeeds finds no stock to confirm, so it is refunded and the order
 * cancelled, and one that fails cancels its order as usual.
 */
export const RESET_INVENTORY_WARNING =
  "Reset this session's inventory? Every reservation is dropped and the default catalog reloaded. " +
  "Orders still in flight lose the stock they hold: when their payment goes through it is refunded and the order is cancelled.";

export function InventoryPanel(props: { products: ProductJson[]; oob?: boolean }) {
  return (
    <Panel
      id="inventory-panel"
      title="Inventory"
      path="/dashboard/inventory"
      trigger={liveTriggers.inventory}
      oob={props.oob}
      hint="Reserved units are held for orders in flight; available = stock − reserved."
      actions={
        <>
          <button type="button" class="button" hx-post="/dashboard/inventory/seed" hx-target="#inventory-panel" hx-swap="outerHTML">
            Seed catalog
          </button>
          <button
            type="button"
            class="button button-quiet"
            hx-post="/dashboard/inventory/reset"
            hx-target="#inventory-panel"
            hx-swap="outerHTML"
            hx-confirm={RESET_INVENTORY_WARNING}
            title="Drops this session's reservations and reloads the default catalog"
          >
            Reset inventory
          </button>
        </>
      }
    >
      {props.products.length === 0 ? (
        <p class="empty">No products yet: press “Seed catalog”.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Product</th>
              <th class="num">Price</th>
              <th class="num">Stock</th>
              <th class="num">Reserved</th>
              <th class="num">Available</th>
            </tr>
          </thead>
          <tbody>
            {props.products.map((p) => (
              <tr data-product-id={p.id}>
                <td class="product">
                  <span class="product-name">{p.name}</span> <code class="muted">{p.id}</code>
                </td>
                <td class="num">{formatCents(p.price_cents)}</td>
                <td class="num" data-field="stock_level">
                  {p.stock_level}
                </td>
                <td class={`num ${p.reserved > 0 ? "is-reserved" : ""}`} data-field="reserved">
                  {p.reserved}
                </td>
                <td class="num" data-field="available">
                  {p.available}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** The `/inventory/stats` numbers, as the API answers them. */
export function StatsPanel(props: { stats: InventoryStats; oob?: boolean }) {
  const { products, reservations } = props.stats;
  const figures: [string, number][] = [
    ["total_products", products.total_products],
    ["total_stock", products.total_stock],
    ["total_reserved", products.total_reserved],
    ["total_available", products.total_available],
    ["pending_reservations", reservations.pending_reservations],
    ["confirmed_reservations", reservations.confirmed_reservations],
    ["released_reservations", reservations.released_reservations],
    ["total_reservations", reservations.total_reservations],
  ];
  return (
    <Panel id="stats-panel" title="GET /inventory/stats" path="/dashboard/stats" trigger={liveTriggers.stats} oob={props.oob} class="stats">
      <dl class="figures">
        {figures.map(([name, value]) => (
          <div class="figure" data-stat={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
