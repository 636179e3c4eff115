import { expect } from "bun:test";
import type { TestApp } from "./test-app";

/** In step mode: runs the held delivery of `reaction` (the first, when several), then hands over what it emitted. */
export async function deliverHeld(t: TestApp, reaction: string, session?: string): Promise<void> {
  const held = (await t.request("GET", "/bus/deliveries", { session })).body as { id: number; reaction: string }[];
  const delivery = held.find((d) => d.reaction === reaction);
  if (!delivery) throw new Error(`no held delivery for ${reaction}; held: ${held.map((d) => d.reaction).join(", ")}`);
  const ran = await t.request("POST", `/bus/deliveries/${delivery.id}/deliver`, { session });
  expect(ran.status).toBe(200);
  t.relay.runDue();
}
