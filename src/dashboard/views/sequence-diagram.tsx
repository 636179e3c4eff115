import { eventToJson } from "../../bus/event";
import type { DiagramView } from "../dashboard-data";
import { followedOrderPath } from "../format";
import { liveTriggers } from "../live";
import { type Arrow, type ArrowOutcome, arrowTitle, explain, outcomeWords, pictureSummary, type SagaPicture } from "../saga-picture";
import { ModuleMapSvg } from "./module-map";
import { Panel } from "./panel";

const LANE_WIDTH = 170;
const HEAD_HEIGHT = 44;
const ROW_HEIGHT = 36;
/** A label character's width at the drawing's 14 px, on the wide side (bold sans-serif capitals). */
const LABEL_CHAR_WIDTH = 9.2;
const MARGIN = 12;

/** Besides its colour, each outcome has its own mark at the arrow's head and its own line (CSS: dashes, weight). */
const outcomeMark: Record<ArrowOutcome, string> = {
  applied: "✓",
  duplicate_ignored: "=",
  failed: "✗",
  dead_lettered: "■",
  scheduled: "○",
  held: "‖",
  sent: "→",
  answered: "✓",
  error: "✗",
};

/** The fragment's URL for this saga (followed or pinned), with an arrow selected or none. */
function diagramPath(view: Pick<DiagramView, "order" | "following">, arrow?: string): string {
  return followedOrderPath("diagram", view.order?.id, view.following, arrow ? { arrow } : {});
}

export interface SagaPicturePanelProps extends DiagramView {
  oob?: boolean;
}

/**
 * The picture of the followed saga: a sequence diagram of its messages and a map of who reacts
 * to whom. Clicking an arrow (or Enter on it) fetches the panel again with that arrow selected:
 * its event's JSON and what it meant show under the diagram, and stay through live refreshes.
 */
export function SagaPicturePanel(props: SagaPicturePanelProps) {
  const selected = props.picture.arrows.find((arrow) => arrow.id === props.selectedArrow);
  return (
    <Panel
      id="diagram-panel"
      title="The picture of the saga"
      path={diagramPath(props, selected?.id)}
      trigger={liveTriggers.diagram}
      oob={props.oob}
      class="sd-panel"
    >
      {!props.order ? (
        <p class="empty">Place an order to see its saga drawn here, message by message.</p>
      ) : (
        <>
          <SequenceDiagram picture={props.picture} view={props} selected={selected?.id} />
          <ArrowDetail arrow={selected} view={props} />
          <p class="sd-download">
            {/* A link cannot send the x-session-id header: the session rides in the URL, as the stream's does. */}
            <a href={diagramFilePath(props.sessionId, props.order.id)} download>
              Download SVG
            </a>
          </p>
        </>
      )}
      <ModuleMapSvg map={props.map} settings={props.settings} />
    </Panel>
  );
}

function laneX(lanes: readonly string[], lane: string): number {
  return MARGIN + lanes.indexOf(lane) * LANE_WIDTH + LANE_WIDTH / 2;
}

/** `GET /dashboard/diagram.svg`: the followed saga's diagram as a file of its own. */
export function diagramFilePath(sessionId: string, orderId: string): string {
  return `/dashboard/diagram.svg?${new URLSearchParams({ order: orderId, session: sessionId }).toString()}`;
}

/**
 * The diagram as a standalone SVG document (a download): the same drawing, its styles inside it
 * (the page's stylesheet does not travel with a file), its arrows plain groups, not links.
 */
export function SequenceDiagramFile(props: { picture: SagaPicture; view: DiagramView; styles: string }) {
  return <DiagramSvg picture={props.picture} view={props.view} standalone={{ styles: props.styles }} />;
}

function SequenceDiagram(props: { picture: SagaPicture; view: DiagramView; selected?: string }) {
  return (
    <div class="sd-scroll">
      <DiagramSvg {...props} />
    </div>
  );
}

function DiagramSvg(props: { picture: SagaPicture; view: DiagramView; selected?: string; standalone?: { styles: string } }) {
  const { lanes, arrows } = props.picture;
  const width = MARGIN * 2 + lanes.length * LANE_WIDTH;
  const height = HEAD_HEIGHT + arrows.length * ROW_HEIGHT + MARGIN;
  return (
    <svg
      xmlns={props.standalone ? "http://www.w3.org/2000/svg" : undefined}
      class="sd-diagram"
      // No role="img": an svg is a graphics document already, whose arrows are links a keyboard
      // reaches; an img's children would be hidden from assistive technology.
      aria-label={pictureSummary(props.picture)}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      data-order-id={props.view.order?.id}
    >
      {props.standalone ? <style dangerouslySetInnerHTML={{ __html: props.standalone.styles }} /> : null}
      {props.standalone ? <rect x={0} y={0} width={width} height={height} fill="#fff" /> : null}
      {arrows.map((arrow, row) =>
        arrow.compensation ? <rect class="sd-band" x={0} y={HEAD_HEIGHT + row * ROW_HEIGHT} width={width} height={ROW_HEIGHT} /> : null,
      )}
      {lanes.map((lane) => {
        const x = laneX(lanes, lane);
        return (
          <g class={`sd-lane sd-lane-${lane}`} data-lane={lane}>
            <line class="sd-lifeline" x1={x} y1={30} x2={x} y2={height} />
            <rect class="sd-lane-head" x={x - LANE_WIDTH / 2 + 8} y={4} width={LANE_WIDTH - 16} height={26} rx={5} />
            <text class="sd-lane-name" x={x} y={22} text-anchor="middle">
              {lane}
            </text>
          </g>
        );
      })}
      {arrows.map((arrow, row) => (
        <ArrowMark
          arrow={arrow}
          lanes={lanes}
          width={width}
          y={HEAD_HEIGHT + row * ROW_HEIGHT + 24}
          view={props.view}
          selected={arrow.id === props.selected}
          standalone={props.standalone !== undefined}
        />
      ))}
    </svg>
  );
}

function ArrowMark(props: {
  arrow: Arrow;
  lanes: readonly string[];
  width: number;
  y: number;
  view: DiagramView;
  selected: boolean;
  standalone: boolean;
}) {
  const { arrow, y } = props;
  const x1 = laneX(props.lanes, arrow.from);
  const x2 = laneX(props.lanes, arrow.to);
  const ghost = arrow.kind === "upcoming";
  const classes = [
    "sd-arrow",
    `sd-${arrow.outcome}`,
    ghost ? "sd-ghost" : "",
    arrow.compensation ? "sd-compensation" : "",
    props.selected ? "sd-selected" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const label = `${arrow.compensation ? "↩ " : ""}${arrow.kind.startsWith("rpc") ? arrow.reaction : arrow.eventType} · ${outcomeWords(arrow)}`;
  // A module's reaction to its own event (an order's deadline) loops back to its lane.
  const self = x1 === x2;
  const dir = x2 >= x1 ? 1 : -1;
  const line = self ? `M ${x1} ${y - 8} h 34 v 12 h -30` : `M ${x1} ${y} H ${x2 - dir * 9}`;
  // A label too long for the lanes right of its start ends at the drawing's edge instead of past it.
  const start = self ? x1 + 44 : Math.min(x1, x2) + 6;
  const labelAt =
    start + (label.length + 2) * LABEL_CHAR_WIDTH > props.width - 4 ? { x: props.width - 4, anchor: "end" } : { x: start, anchor: "start" };
  const head = self ? `${x1},${y + 4} ${x1 + 9},${y} ${x1 + 9},${y + 8}` : `${x2},${y} ${x2 - dir * 10},${y - 5} ${x2 - dir * 10},${y + 5}`;
  // In a file of its own an arrow is a plain group: there is no panel to show its detail in.
  const Mark = props.standalone ? "g" : "a";
  const interactive = props.standalone
    ? {}
    : { href: "#sd-detail", "hx-get": diagramPath(props.view, arrow.id), "hx-target": "#diagram-panel", "hx-swap": "outerHTML" };
  return (
    <Mark
      {...interactive}
      class={classes}
      data-arrow={arrow.kind}
      data-arrow-id={arrow.id}
      data-event-type={arrow.eventType}
      data-event-seq={arrow.eventSeq}
      data-outcome={arrow.outcome}
      data-reaction={arrow.reaction}
      data-from={arrow.from}
      data-to={arrow.to}
      data-compensation={arrow.compensation ? "true" : undefined}
      aria-current={props.selected ? "true" : undefined}
    >
      <title>{arrowTitle(arrow)}</title>
      <path class="sd-line" d={line} fill="none" />
      <polygon class="sd-head" points={head} />
      {/* The outcome's mark leads the label, so the two never overlap. */}
      <text class="sd-label" x={labelAt.x} y={y - 7} text-anchor={labelAt.anchor}>
        <tspan class="sd-mark">{outcomeMark[arrow.outcome]}</tspan> {label}
      </text>
    </Mark>
  );
}

/** The selected arrow's event as GET /orders/:id/events answers it, and what it meant. */
function ArrowDetail(props: { arrow?: Arrow; view: DiagramView }) {
  const { arrow } = props;
  const event = arrow ? props.view.events.find((e) => e.sessionSeq === arrow.eventSeq) : undefined;
  return (
    <div id="sd-detail" class="sd-detail" aria-live="polite">
      {arrow ? (
        <>
          <p class="sd-detail-title">
            <strong>{arrowTitle(arrow)}</strong>{" "}
            <button
              type="button"
              class="button button-quiet button-small"
              hx-get={diagramPath(props.view)}
              hx-target="#diagram-panel"
              hx-swap="outerHTML"
            >
              Close
            </button>
          </p>
          <p class="sd-explain" data-explain>
            {explain(arrow, props.view.events)}
          </p>
          {event ? (
            <pre class="sd-json" data-event-json={event.id}>
              {JSON.stringify(eventToJson(event), null, 2)}
            </pre>
          ) : null}
        </>
      ) : (
        <p class="hint">Click an arrow, or Tab to it and press Enter, to see its event's JSON and why the reaction did what it did.</p>
      )}
    </div>
  );
}
