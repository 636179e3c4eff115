import type { BusEvent, EventOf, EventPayloadBase } from "./event";
import type { Reaction, ReactionContext } from "./reaction";

/** What the dispatcher hands a delivery: the reaction's context, and a way to be delivered again. */
export interface DeliveryContext<P extends EventPayloadBase> extends ReactionContext<P> {
  /** Asks for this delivery to be made a second time once its round commits (a duplicate). */
  deliverAgain(): void;
}

/**
 * A reaction as the bus keeps it: for any event of the union, narrowed to its own type once,
 * here, when it was subscribed, so nothing that dispatches by the stored name needs a cast.
 */
export interface Subscription<P extends EventPayloadBase> {
  readonly name: string;
  readonly on: P["type"];
  /** The module it belongs to (its name's first part, `module.intent`): the only one a command to that module reaches. */
  readonly module: string;
  /** The saga styles it takes part in; undefined: every style. */
  readonly styles: readonly string[] | undefined;
  /** How long after the event the delivery is due; null: not delivered at all (a timer turned off). */
  delayMs(event: BusEvent<P>): number | null;
  /** Runs inside the dispatcher's savepoint, and never awaits. */
  handle(event: BusEvent<P>, ctx: DeliveryContext<P>): void;
}

/** What wraps a reaction at subscribe time (an injected fault, a duplicate delivery). */
export type SubscriptionWrapper<P extends EventPayloadBase> = (subscription: Subscription<P>) => Subscription<P>;

function isOf<P extends EventPayloadBase, T extends P["type"]>(event: BusEvent<P>, type: T): event is EventOf<P, T> {
  return event.type === type;
}

function subscriptionOf<P extends EventPayloadBase, T extends P["type"]>(reaction: Reaction<P, T>): Subscription<P> {
  const narrow = (event: BusEvent<P>): EventOf<P, T> => {
    if (isOf(event, reaction.on)) return event;
    throw new Error(`${reaction.name} is subscribed to ${reaction.on}, not to ${event.type}`);
  };
  const { delayMs } = reaction;
  return {
    name: reaction.name,
    on: reaction.on,
    module: moduleOf(reaction.name),
    styles: reaction.styles,
    delayMs: delayMs ? (event) => delayMs(narrow(event)) : () => 0,
    handle: (event, ctx) => reaction.handle(narrow(event), ctx),
  };
}

/** `inventory.reserveStockWhenOrderCreated` belongs to `inventory`. */
export const moduleOf = (reactionName: string): string => reactionName.split(".", 1)[0] ?? reactionName;

/** Whether a subscription takes part in a saga of `style`. */
export const takesPart = (subscription: Pick<Subscription<EventPayloadBase>, "styles">, style: string): boolean =>
  subscription.styles === undefined || subscription.styles.includes(style);

/** The reactions subscribed to the bus, by the event type they are for and by their stored name. */
export class Subscriptions<P extends EventPayloadBase> {
  private readonly byType = new Map<string, Subscription<P>[]>();
  private readonly byName = new Map<string, Subscription<P>>();
  /** forType narrowed to a style, kept per (type, style): the relay asks for it once per event. */
  private readonly byTypeAndStyle = new Map<string, readonly Subscription<P>[]>();

  add<T extends P["type"]>(reaction: Reaction<P, T>, wrappers: readonly SubscriptionWrapper<P>[] = []): void {
    if (this.byName.has(reaction.name)) throw new Error(`Reaction ${reaction.name} is subscribed twice`);
    const subscription = wrappers.reduce((inner, wrap) => wrap(inner), subscriptionOf(reaction));
    this.byName.set(subscription.name, subscription);
    this.byType.set(subscription.on, [...(this.byType.get(subscription.on) ?? []), subscription]);
    this.byTypeAndStyle.clear();
  }

  /**
   * The reactions that take part in an event of `type` in a saga of `style`; for a command,
   * only those of the module it is addressed to (`recipient`).
   */
  recipients(type: P["type"], style: string, recipient: string | null = null): readonly Subscription<P>[] {
    const key = `${type}\u0000${style}`;
    let taking = this.byTypeAndStyle.get(key);
    if (taking === undefined) {
      taking = this.forType(type).filter((subscription) => takesPart(subscription, style));
      this.byTypeAndStyle.set(key, taking);
    }
    return recipient === null ? taking : taking.filter((subscription) => subscription.module === recipient);
  }

  /** The reactions for events of `type`, in the order they were subscribed. */
  forType(type: P["type"]): readonly Subscription<P>[] {
    return this.byType.get(type) ?? [];
  }

  /** Every reaction subscribed, in the order they were: what the dashboard's module map draws. */
  all(): readonly Subscription<P>[] {
    return [...this.byName.values()];
  }

  named(name: string): Subscription<P> | undefined {
    return this.byName.get(name);
  }
}
