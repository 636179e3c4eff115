import { describe, expect, test } from "bun:test";
import { ROOM_PREDICTIONS_SESSIONS, RoomPredictions } from "../../src/dashboard/room-predictions";

const right = { right: true, says: "Right." };

describe("the room's picks and verdicts, in memory", () => {
  test("given a pick for delivery 7, then it is the pick for 7 only: once another delivery is next there is none", () => {
    const room = new RoomPredictions();
    room.pick("s", 7, "inventory.reserveStockWhenOrderCreated");
    expect(room.pickFor("s", 7)).toBe("inventory.reserveStockWhenOrderCreated");
    expect(room.pickFor("s", 8)).toBeUndefined();
    expect(room.pickFor("other", 7)).toBeUndefined();
  });
  test("given a Step with a verdict, then the verdict replaces the pick; a Step without one clears both", () => {
    const room = new RoomPredictions();
    room.pick("s", 7, "a.b");
    room.stepped("s", right);
    expect([room.pickFor("s", 7), room.verdict("s")]).toEqual([undefined, right]);
    room.stepped("s", undefined);
    expect(room.verdict("s")).toBeUndefined();
  });
  test("given a new pick after a verdict, then the verdict is gone (the next question is being answered)", () => {
    const room = new RoomPredictions();
    room.stepped("s", right);
    room.pick("s", 8, "a.b");
    expect(room.verdict("s")).toBeUndefined();
  });
  test("given more sessions than it keeps, then the least recently changed is forgotten first", () => {
    const room = new RoomPredictions();
    for (let i = 0; i <= ROOM_PREDICTIONS_SESSIONS; i += 1) room.pick(`s${i}`, 1, "a.b");
    expect(room.pickFor("s0", 1)).toBeUndefined();
    expect(room.pickFor("s1", 1)).toBe("a.b");
    expect(room.pickFor(`s${ROOM_PREDICTIONS_SESSIONS}`, 1)).toBe("a.b");
  });
});
