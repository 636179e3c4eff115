import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bugDescriptions, bugSwitches } from "../../../src/modules/bugs";
import { countAllRows } from "../../support/db-snapshot";
import { createTestApp } from "../../support/test-app";

const form = (fields: [string, string][]) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
});

const escaped = (text: string) => text.replaceAll("'", "&#39;");

describe("the Break it panel", () => {
  test("shows each switch with its sentence and its invariants, the crash rate, the note on resets and the scenarios slot", async () => {
    const t = createTestApp();
    const panel = await t.request("GET", "/dashboard/bugs");
    expect(panel.status).toBe(200);
    for (const name of bugSwitches) {
      expect(panel.text).toContain(`<input type="checkbox" id="bug-${name}" name="bugs" value="${name}"`);
      expect(panel.text).toContain(escaped(bugDescriptions[name].defect));
      for (const invariant of bugDescriptions[name].caughtBy) expect(panel.text).toContain(`<code>${invariant}</code>`);
    }
    expect(panel.text).toContain('name="crashBetweenWritesRate"');
    expect(panel.text).toContain("does not repair the rows it already wrote: a reset does");
    // A button per scenario, posting to the API's own run route; the answer comes back live.
    const names = ((await t.request("GET", "/scenarios")).body as { name: string }[]).map((s) => s.name);
    expect(names.length).toBe(7);
    for (const name of names) expect(panel.text).toContain(`hx-post="/scenarios/${name}/run"`);
    expect(panel.text).toContain('hx-trigger="SETTINGS_CHANGED from:#live"');
    // The whole dashboard has it, in the Saga tab.
    const page = (await t.request("GET", "/?session=test-session", { session: null })).text;
    const sagaTab = page.slice(page.indexOf('id="tabpanel-saga"'), page.indexOf('id="tabpanel-details"'));
    expect(sagaTab).toContain('id="break-it-panel"');
  });

  test("beside each switch and each scenario, its bug and the code it replaces, as the repository's files hold them today", async () => {
    const t = createTestApp();
    const panel = (await t.request("GET", "/dashboard/bugs")).text;
    const htmlOf = (text: string) =>
      text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
    const shown = (file: string, name: string) => {
      const source = readFileSync(join(import.meta.dir, "../../..", file), "utf8");
      // The declaration's first line, read here from the file itself: the page shows the code as it is now.
      const firstLine = source
        .split("\n")
        .find((line) => new RegExp(`^\\s*(export\\s+)?(async\\s+)?(function\\s+|const\\s+)?${name}\\s*[(<:=]`).test(line));
      expect(firstLine).toBeDefined();
      expect(panel).toContain(escaped(htmlOf(firstLine!.trim())));
    };
    for (const name of bugSwitches) {
      const { bug, fix } = bugDescriptions[name].code;
      const row = panel.slice(panel.indexOf(`data-bug="${name}"`));
      expect(row.slice(0, row.indexOf("</details>"))).toContain(`<code>${bug.file}</code>`);
      shown(bug.file, bug.name);
      shown(fix.file, fix.name);
    }
    const scenarios = (await t.request("GET", "/scenarios")).body as { name: string; bug: { file: string }; fix: { file: string } }[];
    for (const scenario of scenarios) {
      const item = panel.slice(panel.indexOf(`data-scenario="${scenario.name}"`));
      const details = item.slice(0, item.indexOf("</details>"));
      expect(details).toContain(`<code>${scenario.bug.file}</code>`);
      expect(details).toContain(`<code>${scenario.fix.file}</code>`);
    }
    // A scenario with no switch shows where its anomaly arises and the countermeasure instead.
    const dirtyRead = panel.slice(panel.indexOf('data-scenario="dirty-read"'));
    expect(dirtyRead.slice(0, dirtyRead.indexOf("</details>"))).toContain("The countermeasure");
  });

  test("posting it changes the switches and the crash rate, and nothing else; none ticked turns every switch off", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { paymentDelayMs: 1_200, stepMode: true } });
    const on = await t.request(
      "POST",
      "/dashboard/bugs",
      form([
        ["bugs", "ignoreCancellationSource"],
        ["bugs", "publishBeforeCommit"],
        ["crashBetweenWritesRate", "0.25"],
      ]),
    );
    expect(on.status).toBe(200);
    expect(on.text).toContain('data-bug="publishBeforeCommit" data-on="true"');
    expect(on.text).toContain('data-percent-of="crashBetweenWritesRate">25%</output>');
    expect((await t.request("GET", "/settings")).body).toMatchObject({
      bugs: ["ignoreCancellationSource", "publishBeforeCommit"],
      crashBetweenWritesRate: 0.25,
      paymentDelayMs: 1_200,
      stepMode: true,
    });
    await t.request("POST", "/dashboard/bugs", form([["crashBetweenWritesRate", "0"]]));
    expect((await t.request("GET", "/settings")).body).toMatchObject({ bugs: [], crashBetweenWritesRate: 0, paymentDelayMs: 1_200 });
  });

  test("an unknown or repeated switch, or a bad rate, is an alert naming the field, and writes nothing", async () => {
    const t = createTestApp();
    await t.request("PATCH", "/settings", { body: { bugs: ["noSemanticLock"] } });
    const before = countAllRows(t.deps.db);
    const bad: [field: string, fields: [string, string][]][] = [
      [
        "bugs",
        [
          ["bugs", "dropEverything"],
          ["crashBetweenWritesRate", "0"],
        ],
      ],
      [
        "bugs",
        [
          ["bugs", "noSemanticLock"],
          ["bugs", "noSemanticLock"],
          ["crashBetweenWritesRate", "0"],
        ],
      ],
      ["crashBetweenWritesRate", [["crashBetweenWritesRate", "1.5"]]],
      ["crashBetweenWritesRate", [["bugs", "noSemanticLock"]]],
    ];
    for (const [field, fields] of bad) {
      const res = await t.request("POST", "/dashboard/bugs", form(fields));
      expect(res.status).toBe(400);
      expect(res.headers.get("hx-reswap")).toBe("none");
      expect(res.text).toContain('data-code="VALIDATION_FAILED"');
      expect(res.text).toContain(field);
    }
    expect(countAllRows(t.deps.db)).toEqual(before);
    expect((await t.request("GET", "/settings")).body).toMatchObject({ bugs: ["noSemanticLock"], crashBetweenWritesRate: 0 });
  });
});

describe("the invariants panel's causes", () => {
  test("each event a violation names is a link pinning the dashboard on that event's order", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    await t.request("PATCH", "/settings", { body: { bugs: ["ignoreCancellationSource"] } });
    const placed = await t.request("POST", "/orders", {
      body: { items: [{ product: "mouse", quantity: 2 }], paymentBehaviour: "failure", skipDemoDelays: true },
    });
    // A later order is the newest: only the link's ?order= pins the first one.
    await t.request("POST", "/orders", { body: { items: [{ product: "keyboard", quantity: 1 }], skipDemoDelays: true } });
    t.settle();
    const report = (await t.request("GET", "/consistency")).body;
    const violation = report.violations.find((v: { invariant: string }) => v.invariant === "stock_conserved");
    expect(violation.causedBy.length).toBeGreaterThan(0);
    const panel = (await t.request("GET", "/dashboard/invariants")).text;
    for (const seq of violation.causedBy) {
      expect(panel).toContain(
        `<a href="/?session=${encodeURIComponent(violation.sessionId)}&amp;order=${placed.body.id}#event-${seq}" data-seq="${seq}" data-order-id="${placed.body.id}"`,
      );
    }
    // The link's page follows that order, and its timeline has each named event at the link's anchor.
    const pinned = (await t.request("GET", `/?session=${violation.sessionId}&order=${placed.body.id}`, { session: null })).text;
    expect(pinned).toContain(`data-order-id="${placed.body.id}" data-status="CANCELLED" class="is-selected"`);
    const timeline = pinned.slice(pinned.indexOf('id="timeline-panel"'));
    for (const seq of violation.causedBy) expect(timeline).toContain(`id="event-${seq}"`);
  });
});

describe("a scenario's button", () => {
  test("posts what curl posts: the run answers its violations, and the invariants panel then names them, linked to their events", async () => {
    const t = createTestApp();
    const panel = (await t.request("GET", "/dashboard/bugs")).text;
    const path = panel.match(/hx-post="(\/scenarios\/double-release\/run)"/)?.[1];
    expect(path).toBe("/scenarios/double-release/run");
    const run = await t.request("POST", path!);
    expect(run.status).toBe(200);
    expect(run.body.violations.map((v: { invariant: string }) => v.invariant)).toContain("stock_conserved");
    const invariants = (await t.request("GET", "/dashboard/invariants")).text;
    expect(invariants).toContain("stock_conserved");
    expect(invariants).toMatch(/event #\d+/);
  });

  test("an event that names no order links to the saga it answers; an event of an order that never existed is its number alone", async () => {
    const t = createTestApp();
    const stuck = (await t.request("POST", "/scenarios/stuck-saga/run")).body;
    const waiting = stuck.violations.find((v: { invariant: string }) => v.invariant === "saga_progresses");
    const [seq] = waiting.causedBy;
    expect(waiting.subject).toBe(stuck.orders[0].id);
    const panel = (await t.request("GET", "/dashboard/invariants")).text;
    expect(panel).toContain(`data-seq="${seq}" data-order-id="${stuck.orders[0].id}"`);

    const orphan = (await t.request("POST", "/scenarios/dual-write/run")).body;
    const named = orphan.violations.find((v: { invariant: string }) => v.invariant === "no_orphan_events");
    const orphanPanel = (await t.request("GET", "/dashboard/invariants")).text;
    expect(orphanPanel).toContain(`<span data-seq="${named.causedBy[0]}">event #${named.causedBy[0]}</span>`);
  });

  test("the stage's one-line verdict: consistent, then how many violations and which invariants, refreshed on the panel's events", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const ok = (await t.request("GET", "/dashboard/invariants/verdict")).text;
    expect(ok).toContain('data-consistent="true"');
    expect(ok).toContain("✓ consistent");
    expect(ok).toContain('hx-get="/dashboard/invariants/verdict"');
    const run = (await t.request("POST", "/scenarios/duplicate-charge/run")).body;
    const broken = (await t.request("GET", "/dashboard/invariants/verdict")).text;
    expect(broken).toContain('data-consistent="false"');
    expect(broken).toContain(`✗ ${run.violations.length} violations`);
    for (const v of run.violations) expect(broken).toContain(`<code>${v.invariant}</code>`);
    // The stage view carries it, and the scenarios folded under Break it.
    const stage = (await t.request("GET", "/?session=test-session&view=stage", { session: null })).text;
    expect(stage).toContain('id="invariants-verdict"');
    expect(stage).toContain('hx-post="/scenarios/duplicate-charge/run"');
  });
});
