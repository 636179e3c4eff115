import type { Bus } from "../bus/bus";
import type { Clock } from "./clock";
import type { SagaConfig } from "./config";
import type { Database } from "./db";
import type { Ids } from "./ids";
import type { Random } from "./random";

/** Everything the modules need from the outside world, passed in so tests can replace any of it. */
export interface Deps {
  db: Database;
  bus: Bus;
  clock: Clock;
  ids: Ids;
  random: Random;
  config: SagaConfig;
}
