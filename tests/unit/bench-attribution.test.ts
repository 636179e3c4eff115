import { describe, expect, test } from "bun:test";
import { attribution, attributionItem } from "../bench/attribution";

describe("the bench's per-saga attribution", () => {
  test("given statement timers, when grouped, then each names the table it touches and what it does", () => {
    expect(attributionItem("sql: INSERT INTO events (id, session_id) VALUES (?, ?)")).toBe("SQL on events: INSERT");
    expect(attributionItem('sql: UPDATE "products" SET reserved = reserved + ?')).toBe("SQL on products: UPDATE");
    expect(attributionItem("sql: SELECT seq, type FROM events WHERE seq > ?")).toBe("SQL on events: SELECT");
    expect(attributionItem("sql: DELETE FROM deliveries WHERE id = ?")).toBe("SQL on deliveries: DELETE");
    expect(attributionItem("BEGIN + COMMIT (wrapper minus work)")).toBe("BEGIN + COMMIT (wrapper minus work)");
  });

  test("given two readings, when attributed, then the rows are per saga, largest first, and add up to the CPU", () => {
    const before = {
      "sql: INSERT INTO events (id) VALUES (?)": [10, 1] as [number, number],
      "announce after commit (all listeners)": [1, 0.1] as [number, number],
    };
    const after = {
      "sql: INSERT INTO events (id) VALUES (?)": [60, 11] as [number, number],
      "sql: INSERT INTO events (id, data) VALUES (?, ?)": [20, 2] as [number, number],
      "announce after commit (all listeners)": [11, 1.1] as [number, number],
      "delivery log (DeliveryLog.record)": [0, 0] as [number, number],
    };
    const rows = attribution(before, after, 10, 2_000);
    expect(rows.map((row) => row.item)).toEqual([
      "SQL on events: INSERT",
      "announce after commit (all listeners)",
      expect.stringMatching(/^not timed:/),
    ]);
    expect(rows[0]).toEqual({ item: "SQL on events: INSERT", usPerSaga: 1_200, callsPerSaga: 7 });
    expect(rows[1]!.usPerSaga).toBeCloseTo(100);
    expect(rows[2]!.usPerSaga).toBeCloseTo(700);
  });

  test("given timers that took more than the CPU (preempted), when attributed, then nothing is left untimed rather than less than nothing", () => {
    const rows = attribution({}, { "sql: SELECT 1": [1, 5] }, 1, 1_000);
    expect(rows.at(-1)!.usPerSaga).toBe(0);
  });
});
