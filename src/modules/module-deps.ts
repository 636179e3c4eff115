import type { EventWaiters } from "../bus/waiters";
import type { Clock } from "../platform/clock";
import type { SagaConfig } from "../platform/config";
import type { Database } from "../platform/db";
import type { Ids } from "../platform/ids";
import type { Random } from "../platform/random";
import type { SagaBus, SagaPayload } from "./events";
import type { SettingsReader } from "./session-settings";

/**
 * A change to a session that no saga event tells of: a seed, a reset, a knob turned, or a
 * delivery that was scheduled, failed, was dead-lettered or was ignored as a duplicate. Open screens of the
 * session hear of it live (as a named message on the event stream), after its commit.
 */
export type SessionChange =
  | "INVENTORY_CHANGED"
  | "ORDERS_RESET"
  // POST /orders/projection/rebuild wrote the session's order rows again.
  | "ORDERS_REBUILT"
  | "PAYMENTS_RESET"
  // A payment a call (PaymentService) charged or refunded: no event tells of it.
  | "PAYMENTS_CHANGED"
  | "SETTINGS_CHANGED"
  | "DELIVERIES_CHANGED"
  // An attendee named their session (PATCH /session).
  | "SESSION_NAMED"
  // A cart was opened (POST /cart): the session keeps a row, maybe its first.
  | "CART_OPENED";

export interface SessionChanges {
  announce(sessionId: string, change: SessionChange): void;
}

/** Everything a module needs from the outside world, passed in by the composition root so tests can replace any of it. */
export interface ModuleDeps {
  db: Database;
  bus: SagaBus;
  waiters: EventWaiters<SagaPayload>;
  clock: Clock;
  ids: Ids;
  random: Random;
  config: SagaConfig;
  changes: SessionChanges;
  /** The session's knobs (demo delays, step mode), read when a delivery is scheduled or run. */
  settings: SettingsReader;
}
