import type { ReservationJson } from "../../modules/inventory";
import { shortId } from "../format";
import { liveTriggers } from "../live";
import { Countdown } from "./countdown";
import { Panel } from "./panel";

const columns = [
  ["PENDING", "stock held while payment runs"],
  ["CONFIRMED", "paid: stock taken for good"],
  ["RELEASED", "stock handed back, for the reason on each card"],
] as const;

export const RESERVATIONS_SHOWN = 200;

export function ReservationsPanel(props: { reservations: ReservationJson[]; now: number; oob?: boolean }) {
  return (
    <Panel
      id="reservations-panel"
      title="Reservations"
      path="/dashboard/reservations"
      trigger={liveTriggers.reservations}
      oob={props.oob}
      class="board-panel"
      hint="A reservation moves PENDING → CONFIRMED or RELEASED, never back. Out-of-stock orders never get one."
    >
      <div class="board">
        {columns.map(([status, meaning]) => {
          const cards = props.reservations.filter((r) => r.status === status);
          return (
            <div class={`column column-${status}`} data-column={status}>
              <h3>
                {status} <span class="count">{cards.length}</span>
              </h3>
              <p class="muted">{meaning}</p>
              {cards.map((r) => (
                <article class={`card card-${status.toLowerCase()}`} data-order-id={r.orderId} data-reservation-id={r.id}>
                  <div class="card-head">
                    <span>
                      order <code title={r.orderId}>{shortId(r.orderId)}</code>
                    </span>
                    <span class="muted">{r.updatedAt.slice(11, 19)}</span>
                  </div>
                  <div>{r.items.map((l) => `${l.quantity} × ${l.product}`).join(", ")}</div>
                  {r.status === "PENDING" && r.expiresAt ? (
                    <div class="card-expiry">
                      expires <Countdown dueInMs={Date.parse(r.expiresAt) - props.now} />
                    </div>
                  ) : null}
                  {r.releaseReason ? <div class="card-reason">{r.releaseReason}</div> : null}
                  {r.restockedAt ? <div class="card-reason">order cancelled: units put back on the shelf</div> : null}
                </article>
              ))}
            </div>
          );
        })}
      </div>
    </Panel>
  );
}
