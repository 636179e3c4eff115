import { Bus } from "../bus/bus";
import { Relay, type RelayOptions } from "../bus/relay";
import { type StreamLimits, StreamRegistry, defaultStreamLimits } from "../bus/event-stream";
import { createApp } from "../app";
import { type Clock, systemClock } from "./clock";
import { type SagaConfig, defaultSagaConfig } from "./config";
import { type Database, type SynchronousLevel, openDatabase } from "./db";
import type { Deps } from "./deps";
import { type Ids, systemIds } from "./ids";
import { type Random, systemRandom } from "./random";

export interface SagaServerOptions {
  databasePath?: string;
  db?: Database;
  synchronous?: SynchronousLevel;
  clock?: Clock;
  ids?: Ids;
  random?: Random;
  config?: Partial<SagaConfig>;
  relay?: RelayOptions;
  /** Caps on open `GET /events/stream` connections (defaults: 8 per session, 256 in total). */
  streams?: Partial<StreamLimits>;
}

/** Everything one process runs: dependencies, the HTTP app and the relay (not yet started). */
export function createSagaServer(options: SagaServerOptions = {}) {
  const db = options.db ?? openDatabase({ path: options.databasePath ?? ":memory:", synchronous: options.synchronous });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? systemIds;
  const deps: Deps = {
    db,
    clock,
    ids,
    random: options.random ?? systemRandom,
    bus: new Bus(db, clock, ids),
    config: { ...defaultSagaConfig, ...options.config },
  };
  const streams = new StreamRegistry({ ...defaultStreamLimits, ...options.streams });
  const app = createApp(deps, streams);
  const relay = new Relay(db, deps.bus, clock, options.relay);
  return { deps, app, relay, streams };
}
export type SagaServer = ReturnType<typeof createSagaServer>;
