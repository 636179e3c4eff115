import type { MapEdge, ModuleMap } from "../module-map";
import type { Lane } from "../saga-picture";

const WIDTH = 560;
const HEIGHT = 330;
const BOX_W = 120;
const BOX_H = 36;

/** Where each module's box sits: the order service on the left, the ones it starts in the middle, the listeners on the right. */
const place: Record<Lane, { x: number; y: number }> = {
  orders: { x: 80, y: 165 },
  orchestrator: { x: 280, y: 40 },
  inventory: { x: 280, y: 165 },
  payments: { x: 480, y: 110 },
  shipping: { x: 480, y: 225 },
  notifications: { x: 280, y: 290 },
};

/**
 * A line from one box to another, bent to its own side so that A → B and B → A stay apart, and
 * stopped short of the boxes so the arrowhead shows. A module's reaction to its own messages
 * is a loop above its box.
 */
function edgePath(edge: MapEdge): { d: string; labelX: number; labelY: number } {
  const a = place[edge.from];
  const b = place[edge.to];
  if (edge.from === edge.to) {
    const top = a.y - BOX_H / 2;
    return {
      d: `M ${a.x - 20} ${top} C ${a.x - 30} ${top - 40}, ${a.x + 30} ${top - 40}, ${a.x + 20} ${top - 2}`,
      labelX: a.x,
      labelY: top - 34,
    };
  }
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  const ux = dx / length;
  const uy = dy / length;
  // How far the box's edge is from its centre along this direction.
  const reach = Math.min(BOX_W / 2 / Math.abs(ux), BOX_H / 2 / Math.abs(uy));
  const start = { x: a.x + ux * reach, y: a.y + uy * reach };
  const end = { x: b.x - ux * (reach + 4), y: b.y - uy * (reach + 4) };
  const bend = 22;
  const control = { x: (start.x + end.x) / 2 - uy * bend, y: (start.y + end.y) / 2 + ux * bend };
  return {
    d: `M ${start.x.toFixed(1)} ${start.y.toFixed(1)} Q ${control.x.toFixed(1)} ${control.y.toFixed(1)} ${end.x.toFixed(1)} ${end.y.toFixed(1)}`,
    labelX: (start.x + 2 * control.x + end.x) / 4,
    labelY: (start.y + 2 * control.y + end.y) / 4,
  };
}

function edgeTitle(edge: MapEdge): string {
  const what = edge.calls ? `calls ${edge.types.join(", ")}` : `reacts to ${edge.types.join(", ")} (${edge.reactions.join(", ")})`;
  const subject = edge.calls ? `${edge.from} → ${edge.to}` : `${edge.to} ← ${edge.from}`;
  return `${subject}: ${what}; ${edge.messages} ${edge.messages === 1 ? "message" : "messages"} in the followed saga`;
}

/** Boxes for the modules, an arrow from a publisher to each module that reacts to its messages, with the followed saga's count on it. */
export function ModuleMapSvg(props: { map: ModuleMap; settings: { sagaStyle: string; shipmentStep: boolean } }) {
  const { map, settings } = props;
  const setting = `${settings.sagaStyle}, shipment step ${settings.shipmentStep ? "on" : "off"}`;
  return (
    <figure class="map-figure">
      <svg
        class="map-svg"
        role="img"
        aria-label={`The module map for ${setting}: ${map.modules.length} modules, ${map.edges.length} "reacts to" lines, ${map.messages} messages in the followed saga.`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        data-saga-style={settings.sagaStyle}
        data-shipment-step={String(settings.shipmentStep)}
      >
        <defs>
          <marker id="map-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="map-head" />
          </marker>
        </defs>
        {map.edges.map((edge) => {
          const { d, labelX, labelY } = edgePath(edge);
          return (
            <g
              class={`map-edge${edge.calls ? " map-calls" : ""}${edge.messages > 0 ? " map-used" : ""}`}
              data-map-edge={`${edge.from}-${edge.to}`}
              data-from={edge.from}
              data-to={edge.to}
              data-types={edge.types.join(" ")}
              data-messages={edge.messages}
              data-calls={edge.calls ? "true" : undefined}
            >
              <title>{edgeTitle(edge)}</title>
              <path d={d} fill="none" marker-end="url(#map-head)" />
              <text x={labelX.toFixed(1)} y={(labelY + 4).toFixed(1)} text-anchor="middle" class="map-count">
                {edge.messages > 0 ? `×${edge.messages}` : "·"}
              </text>
            </g>
          );
        })}
        {map.modules.map((module) => {
          const { x, y } = place[module];
          return (
            <g class={`map-module map-module-${module}`} data-map-module={module}>
              <rect x={x - BOX_W / 2} y={y - BOX_H / 2} width={BOX_W} height={BOX_H} rx={6} />
              <text x={x} y={y + 5} text-anchor="middle">
                {module}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">
        Who knows the flow? Drawn from the reactions the server subscribed, for {setting}; ×N: the followed saga's messages on that line.
      </figcaption>
    </figure>
  );
}
