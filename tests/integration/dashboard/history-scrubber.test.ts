import { describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../../support/test-app";

const fivePads = { items: [{ product: "mouse-pad", quantity: 5 }], skipDemoDelays: true };

async function seeded() {
  const t = createTestApp();
  await t.request("POST", "/inventory/seed");
  return t;
}

async function placed(t: TestApp, session = "test-session") {
  const { body: order } = await t.request("POST", "/orders", { body: fivePads, session });
  t.settle();
  return order.id as string;
}

/** Each version the fragment renders: its words and the fields it marks as changed. */
function versionsOf(html: string) {
  return [...html.matchAll(/data-version="(\d+)" data-words="([^"]*)"[\s\S]*?<\/li>/g)].map(([whole, version, words]) => ({
    version: Number(version),
    words,
    status: /data-field="status"[^>]*><dt>status<\/dt><dd>([^<]*)</.exec(whole)?.[1],
    changed: [...whole.matchAll(/data-field="([^"]*)" data-changed="true"/g)].map((m) => m[1]),
  }));
}

describe("the history scrubber's fragment", () => {
  test("a completed order: three versions, each as it was, what changed marked", async () => {
    const t = await seeded();
    const id = await placed(t);
    const res = await t.request("GET", `/dashboard/history?order=${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('aria-label="Version of the order"');
    expect(res.text).toContain('max="3"');
    expect(res.text).toContain('value="3"');
    expect(versionsOf(res.text)).toEqual([
      { version: 1, words: "version 1: created", status: "PENDING", changed: [] },
      { version: 2, words: "version 2: processing", status: "PROCESSING", changed: ["status", "total"] },
      { version: 3, words: "version 3: completed", status: "COMPLETED", changed: ["status", "completed at"] },
    ]);
  });

  test("a completed order cancelled: five versions, the cancel asked by the customer then its source", async () => {
    const t = await seeded();
    const id = await placed(t);
    await t.request("POST", `/orders/${id}/cancel?wait=0`);
    t.settle();
    const res = await t.request("GET", `/dashboard/history?order=${id}`);
    const versions = versionsOf(res.text);
    expect(versions.map((v) => [v.words, v.status])).toEqual([
      ["version 1: created", "PENDING"],
      ["version 2: processing", "PROCESSING"],
      ["version 3: completed", "COMPLETED"],
      ["version 4: cancel asked", "COMPLETED"],
      ["version 5: cancelled", "CANCELLED"],
    ]);
    expect(versions[3]?.changed).toEqual(["cancel asked by"]);
    expect(versions[4]?.changed).toContain("status");
    expect(versions[4]?.changed).toContain("cancellation source");
  });

  test("following the newest order shows its versions; another session's order shows none", async () => {
    const t = await seeded();
    await t.request("POST", "/inventory/seed", { session: "other" });
    const theirs = await placed(t, "other");
    const mine = await placed(t);
    expect((await t.request("GET", "/dashboard/history?follow=newest")).text).toContain(`data-order-id="${mine}"`);
    const res = await t.request("GET", `/dashboard/history?order=${theirs}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(theirs);
    expect(res.text).not.toContain("data-version=");
  });

  test("the page's placeholder loads itself once; the fragment it brings does not load itself again", async () => {
    const t = await seeded();
    await placed(t);
    const page = await t.request("GET", "/?session=test-session");
    expect(page.text).toMatch(/id="history-panel"[^>]*hx-trigger="load, /);
    const fragment = await t.request("GET", "/dashboard/history?follow=newest");
    expect(fragment.text).toMatch(/id="history-panel"/);
    expect(fragment.text).not.toContain('hx-trigger="load');
  });

  test("an order id of markup is shown as no order, never as markup", async () => {
    const t = await seeded();
    const res = await t.request("GET", `/dashboard/history?order=${encodeURIComponent('<script>alert("x")</script>')}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("<script>");
  });
});

describe("Rebuild read model", () => {
  test("rows that match their streams: identical", async () => {
    const t = await seeded();
    await placed(t);
    await placed(t);
    const res = await t.request("POST", "/dashboard/orders/projection/rebuild");
    expect(res.status).toBe(200);
    expect(res.text).toContain("Rebuilt 2 orders from their streams: identical");
    expect(res.text).toContain('data-identical="true"');
  });

  test("a row corrupted with SQL: named with its field, then put back", async () => {
    const t = await seeded();
    const id = await placed(t);
    t.deps.db.$client.run("UPDATE orders SET total_cents = 7 WHERE id = ?", [id]);
    const res = await t.request("POST", "/dashboard/orders/projection/rebuild");
    expect(res.text).toContain('data-identical="false"');
    expect(res.text).toContain(`Rebuilt 1 order from their streams: 1 differed: <code>${id}</code> (totalCents)`);
    expect((await t.request("POST", "/dashboard/orders/projection/rebuild")).text).toContain("identical");
  });

  test("the button sits with the resets in the Invariants panel", async () => {
    const t = await seeded();
    const res = await t.request("GET", "/dashboard/invariants");
    expect(res.text).toContain('id="rebuild-read-model"');
    expect(res.text).toContain('hx-post="/dashboard/orders/projection/rebuild"');
  });
});
