import type { PredictionVerdict } from "./step-preview";

/** Sessions whose pick or verdict is remembered; the least recently changed is forgotten first. */
export const ROOM_PREDICTIONS_SESSIONS = 10_000;

interface RoomState {
  /** The room's pick, and the delivery it was for. */
  pick?: { deliveryId: number; reaction: string };
  /** What the last Step revealed, until the next pick or Step. */
  verdict?: PredictionVerdict;
}

/**
 * "What happens next?" per session, in memory only: the room's pick and the verdict the next
 * Step reveals. Kept on the server (not in the page) so every screen of the session, and every
 * refresh of the bus panel, shows the same pick and verdict; it writes nothing to the saga, and
 * a restart forgets it (the question is simply asked again).
 */
export class RoomPredictions {
  private readonly rooms = new Map<string, RoomState>();

  pick(sessionId: string, deliveryId: number, reaction: string): void {
    this.set(sessionId, { pick: { deliveryId, reaction } });
  }

  /** The room's pick for `deliveryId`; a pick for another delivery (stepped since) is no pick. */
  pickFor(sessionId: string, deliveryId: number): string | undefined {
    const pick = this.rooms.get(sessionId)?.pick;
    return pick?.deliveryId === deliveryId ? pick.reaction : undefined;
  }

  /** A Step ran: the verdict on the pick (none when there was no pick for it) replaces both. */
  stepped(sessionId: string, verdict: PredictionVerdict | undefined): void {
    if (verdict) this.set(sessionId, { verdict });
    else this.rooms.delete(sessionId);
  }

  verdict(sessionId: string): PredictionVerdict | undefined {
    return this.rooms.get(sessionId)?.verdict;
  }

  private set(sessionId: string, state: RoomState): void {
    this.rooms.delete(sessionId);
    this.rooms.set(sessionId, state);
    if (this.rooms.size > ROOM_PREDICTIONS_SESSIONS) this.rooms.delete(this.rooms.keys().next().value as string);
  }
}
