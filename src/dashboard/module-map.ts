/**
 * "Who knows the flow?": which module reacts to which module's messages, drawn from the
 * reactions the server subscribed on the bus (never a hand-written list), narrowed to those
 * that take part under the session's settings. Pure: views/sequence-diagram.tsx draws it.
 */
import type { DeliveryLogEntry } from "../bus/delivery-log";
import type { EventPayloadBase } from "../bus/event";
import { type Subscription, takesPart } from "../bus/subscriptions";
import { isSagaEventType, publisherOf, type SagaEvent } from "../modules/events";
import { type Lane, laneOrder } from "./saga-picture";

export type MapSubscription = Pick<Subscription<EventPayloadBase>, "name" | "on" | "module" | "styles">;

/** One "reacts to" line: `to` has reactions to messages `from` publishes. */
export interface MapEdge {
  from: Lane;
  to: Lane;
  /** The message types, in the order their reactions were subscribed. */
  types: string[];
  /** The reactions behind it. */
  reactions: string[];
  /** The followed saga's messages along it: its delivery attempts (an RPC call counts as one). */
  messages: number;
  /** An rpc saga's calls, from the followed saga's RPC_CALL records: no subscription stands behind them. */
  calls?: boolean;
}

export interface ModuleMap {
  modules: Lane[];
  edges: MapEdge[];
  /** The followed saga's messages in all. */
  messages: number;
}

export interface ModuleMapInput {
  subscriptions: readonly MapSubscription[];
  settings: { sagaStyle: string; shipmentStep: boolean };
  /** The followed saga's events and delivery attempts, to count its messages per line. */
  events: readonly SagaEvent[];
  deliveries: readonly DeliveryLogEntry[];
}

const isLane = (name: string): name is Lane => (laneOrder as readonly string[]).includes(name);

/**
 * With the shipment step off, shipping takes no part: its reactions and those to its events are
 * subscribed but never delivered to (their delays answer "not at all" for an order without
 * shipment terms), so the map leaves them out.
 */
function inPlay(subscription: MapSubscription, from: Lane, shipmentStep: boolean): boolean {
  return shipmentStep || (subscription.module !== "shipping" && from !== "shipping");
}

/**
 * The lines a saga can take: those from the module that places the order, and from each module
 * they reach. A module nothing in the style sends to (the orchestrator in a choreography, whose
 * commands' reactions are subscribed for every style) sends nothing either.
 */
function reachedFrom(start: Lane, edges: readonly MapEdge[]): MapEdge[] {
  const reached = new Set<Lane>([start]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const edge of edges) {
      if (reached.has(edge.from) && !reached.has(edge.to)) {
        reached.add(edge.to);
        grew = true;
      }
    }
  }
  return edges.filter((edge) => reached.has(edge.from));
}

export function moduleMap(input: ModuleMapInput): ModuleMap {
  const edges = new Map<string, MapEdge>();
  for (const subscription of input.subscriptions) {
    const to = subscription.module;
    if (!isSagaEventType(subscription.on) || !isLane(to) || !takesPart(subscription, input.settings.sagaStyle)) continue;
    const from = publisherOf(subscription.on);
    if (!inPlay(subscription, from, input.settings.shipmentStep)) continue;
    const key = `${from}>${to}`;
    const edge = edges.get(key) ?? { from, to, types: [], reactions: [], messages: 0 };
    if (!edge.types.includes(subscription.on)) edge.types.push(subscription.on);
    edge.reactions.push(subscription.name);
    edges.set(key, edge);
  }
  let messages = 0;
  for (const entry of input.deliveries) {
    if (!isSagaEventType(entry.eventType)) continue;
    messages += 1;
    const edge = edges.get(`${publisherOf(entry.eventType)}>${entry.reaction.split(".", 1)[0]}`);
    if (edge) edge.messages += 1;
  }
  for (const event of input.events) {
    if (event.type !== "RPC_CALL") continue;
    const callee = event.data.service.split(".", 1)[0] ?? "";
    if (!isLane(callee)) continue;
    messages += 1;
    const key = `calls:${callee}`;
    const edge = edges.get(key) ?? { from: "orders", to: callee, types: [], reactions: [], messages: 0, calls: true };
    if (!edge.types.includes(event.data.method)) edge.types.push(event.data.method);
    edge.messages += 1;
    edges.set(key, edge);
  }
  const drawn = reachedFrom(publisherOf("ORDER_CREATED"), [...edges.values()]);
  const present = new Set<Lane>(drawn.flatMap((edge) => [edge.from, edge.to]));
  return { modules: laneOrder.filter((lane) => present.has(lane)), edges: drawn, messages };
}
