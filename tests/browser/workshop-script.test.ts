import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  chromiumAvailable,
  openFreshDashboard,
  orderRow,
  paymentRow,
  placeOrderThroughForm,
  reservationCard,
  showTab,
  statusOf,
  UI_WAIT_MS,
  until,
  useServerAndBrowser,
} from "./harness";

/**
 * docs/workshop.md's 90-minute script, followed literally in one session, top to bottom: each
 * segment reaches its starting settings the way the script says (Reset knobs, the resets, Step
 * mode), clicks what the script names, and sees what the script promises. The numbers the
 * script states (step counts, products, orders) and its Break it table are read from the script
 * itself, and every bold label in it must be on the page: doc and product cannot drift apart.
 */
const doc = readFileSync(new URL("../../docs/workshop.md", import.meta.url), "utf8");
const script = doc.slice(doc.indexOf("## A 90-minute workshop script"));
/** One of the script's segments: from its `**… · Title.**` heading to the next segment or section. */
function segment(title: string): string {
  const start = script.indexOf(` · ${title}.**`);
  if (start < 0) throw new Error(`docs/workshop.md's script has no segment "${title}"`);
  const next = script.slice(start + 1).search(/\n\*\*[^*\n]+ · [^*\n]+\.\*\*|\n### /);
  return script.slice(start, next < 0 ? undefined : start + 1 + next);
}
/** A number the script states, found by the words around it. */
function stated(text: string, pattern: RegExp): number {
  const found = text.replace(/\s+/g, " ").match(pattern);
  if (!found) throw new Error(`docs/workshop.md does not state ${pattern}`);
  return Number(found[1]);
}
/** One of the script's sections (`### Title…`), to the next. */
function section(title: string): string {
  const start = script.indexOf(`\n### ${title}`);
  if (start < 0) throw new Error(`docs/workshop.md's script has no section "${title}"`);
  const next = script.indexOf("\n### ", start + 1);
  return script.slice(start, next < 0 ? undefined : next);
}
/** The Break it table: each scenario's button, the invariants it breaks, the resets that clear them. */
function breakItTable(): { button: string; invariants: string[]; resets: string[] }[] {
  return section("Break it")
    .split("\n")
    .filter((line) => line.startsWith("| ") && line.includes("`"))
    .map((line) => line.split("|").map((cell) => cell.trim()))
    .map(([, button, invariants, resets]) => ({
      button: button!.replace(/^.*?· /, ""),
      invariants: [...invariants!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort(),
      resets: [...resets!.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!),
    }));
}

/** The whole script: about 40 s alone on a quiet machine; generous for a shared one. */
const WHOLE_SCRIPT_TIMEOUT_MS = 8 * BROWSER_TEST_TIMEOUT_MS;

describe.skipIf(!chromiumAvailable)("docs/workshop.md's script, followed in one session", () => {
  // Retries 100, 200, 400, 800 ms apart (the server's are 1, 2, 4, 8 s): the dead letter comes within seconds.
  const env = useServerAndBrowser({ retryBaseMs: 100 });

  test(
    "every segment in order, each from the starting settings it names to the reset it ends with",
    async () => {
      const { context, page, seen } = await openFreshDashboard(env.browser, env.server.baseUrl, { width: 1024, height: 768 });
      const asked = acceptEveryQuestion(page);
      const knobs = page.locator("#knobs-panel");
      const bus = page.locator("#bus-panel");
      const invariants = page.locator("#invariants-panel");
      const press = (where: Locator, label: string) => where.getByRole("button", { name: label, exact: true }).first().click();
      const settled = (id: string, status: string) => until(async () => (await statusOf(page, id)) === status, `order ${id} ${status}`);
      const resetKnobs = async () => {
        await showTab(page, "saga");
        await press(knobs, "Reset knobs");
        await until(async () => (await page.locator("#knob-paymentFailureRate").inputValue()) === "0", "the knobs back to a new session's");
        await page.locator('#bus-panel .step-mode[data-step-mode="false"]').waitFor({ timeout: UI_WAIT_MS });
      };
      // Found and moved in one task of the page: a live refresh can replace the panel between a
      // locator's lookup and its evaluate, and a detached knob's change goes nowhere.
      const setKnob = (name: string, value: string) =>
        page.evaluate(
          ([name, v]) => {
            const input = document.querySelector<HTMLInputElement>(`#knobs-form input[name="${name}"]`);
            if (!input) throw new Error(`no knob ${name}`);
            input.value = v;
            input.dispatchEvent(new Event("input", { bubbles: true }));
            input.dispatchEvent(new Event("change", { bubbles: true }));
          },
          [name, value] as const,
        );
      const knobIs = (name: string, value: string) =>
        until(async () => (await knobSetting(page, env.server.baseUrl, name)) === value, `${name} at ${value}`);
      const stepMode = async (on: boolean) => {
        await press(bus, `Step mode: ${on ? "off" : "on"}`);
        await page.locator(`#bus-panel .step-mode[data-step-mode="${on}"]`).waitFor({ timeout: UI_WAIT_MS });
      };
      /** Presses Step until the order reads COMPLETED; answers how many presses it took. */
      const stepUntilCompleted = async (orderId: string) => {
        let steps = 0;
        // The server's status, not the orders panel's: the panel may show COMPLETED a refresh after
        // the Step that completed the order, and a Step more would be counted.
        const sessionId = new URL(page.url()).searchParams.get("session") ?? "";
        const serverStatus = async () =>
          (
            (await (
              await page.request.get(`${env.server.baseUrl}/orders/${orderId}`, { headers: { "x-session-id": sessionId } })
            ).json()) as {
              status: string;
            }
          ).status;
        while ((await serverStatus()) !== "COMPLETED") {
          const next = bus.locator("tr[data-delivery-id]").first();
          await next.waitFor({ timeout: UI_WAIT_MS });
          const id = await next.getAttribute("data-delivery-id");
          await page.locator("#bus-step").click();
          steps += 1;
          await until(async () => (await bus.locator(`tr[data-delivery-id="${id}"]`).count()) === 0, `delivery ${id} to run`);
          if (steps > 20) throw new Error("20 Steps and the order is not COMPLETED");
        }
        return steps;
      };
      const timelineHas = (type: string) =>
        page.locator(`#timeline-panel [data-event-type="${type}"]`).first().waitFor({ timeout: UI_WAIT_MS });

      // 0–10 · Start: a session of its own, seeded; Copy and Stage view in the header.
      expect(await page.locator("#inventory-panel tr[data-product-id]").count()).toBe(
        stated(segment("Start"), /seeded with (\d+) products/),
      );
      await page.getByRole("button", { name: "Copy", exact: true }).waitFor({ timeout: UI_WAIT_MS });
      const stage = await context.newPage();
      // Stage view, opened in a second tab as the projector's: the link's own address.
      await stage.goto(new URL((await page.getByRole("link", { name: "Stage view" }).getAttribute("href"))!, page.url()).href);
      await stage.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      await page.bringToFront();

      // 10–20 · Success: a new session's settings, the form as it opens (1 × Mouse Pad, per the knobs, choreography).
      const happy = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      await reservationCard(page, "PENDING", happy).waitFor({ timeout: UI_WAIT_MS });
      await settled(happy, "COMPLETED");
      await reservationCard(page, "CONFIRMED", happy).waitFor({ timeout: UI_WAIT_MS });
      await bus.getByText("Nothing scheduled.").waitFor({ timeout: UI_WAIT_MS });
      // The stage follows the newest order: its board shows the same card.
      await reservationCard(stage, "CONFIRMED", happy).waitFor({ timeout: UI_WAIT_MS });

      // 20–30 · Failure and compensation.
      const failure = segment("Failure and compensation");
      const declined = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "failure" });
      await reservationCard(page, "RELEASED", declined).waitFor({ timeout: UI_WAIT_MS });
      await settled(declined, "CANCELLED");
      expect(await orderRow(page, declined).innerText()).toContain("payment_failed");
      await setKnob("paymentFailureRate", "0.3");
      await knobIs("paymentFailureRate", "0.3");
      const many = stated(failure, /place (\d+) orders/);
      const placed: string[] = [];
      for (let i = 0; i < many; i += 1) placed.push(await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" }));
      for (const id of placed) {
        await until(
          async () => ["COMPLETED", "CANCELLED"].includes((await statusOf(page, id)) ?? ""),
          `order ${id} to end`,
          3 * UI_WAIT_MS,
        );
        if ((await statusOf(page, id)) === "CANCELLED") expect(await orderRow(page, id).innerText()).toContain("payment_failed");
      }
      await orderRow(page, happy).getByRole("button", { name: "Cancel" }).click();
      await settled(happy, "CANCELLED");
      await until(async () => (await paymentRow(page, happy).getAttribute("data-status")) === "REFUNDED", "the refund");
      for (const type of ["INVENTORY_RESTOCKED", "PAYMENT_REFUNDED"]) await timelineHas(type);
      await showTab(page, "details");
      await page
        .locator(`#inbox-panel [data-kind="refunded"][data-order-id="${happy}"]`)
        .getByText("Refund issued")
        .waitFor({ timeout: UI_WAIT_MS });
      await showTab(page, "saga");
      await page.fill("#knob-reservationTtlMs", String(stated(failure, /Reservation expires after\*\* to (\d+)/)));
      await page.locator("#knob-reservationTtlMs").dispatchEvent("change");
      await knobIs("reservationTtlMs", "2000");
      await page.fill("#knob-paymentDelayMs", String(stated(failure, /Payment delay\*\* to (\d+)/)));
      await page.locator("#knob-paymentDelayMs").dispatchEvent("change");
      await knobIs("paymentDelayMs", "10000");
      const expiring = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      await reservationCard(page, "PENDING", expiring).locator(".countdown").waitFor({ timeout: UI_WAIT_MS });
      const expired = reservationCard(page, "RELEASED", expiring);
      await expired.waitFor({ timeout: UI_WAIT_MS });
      expect(await expired.innerText()).toContain("expired");
      await settled(expiring, "CANCELLED");
      expect(await orderRow(page, expiring).innerText()).toContain("timeout");
      await resetKnobs();

      // 30–35 · Out of stock: 50 Gaming Laptops, 5 on the shelf.
      const outOfStock = segment("Out of stock");
      const tooMany = await placeOrderThroughForm(page, {
        lines: [["laptop", stated(outOfStock, /quantity (\d+)/)]],
        paymentBehaviour: "",
      });
      await settled(tooMany, "CANCELLED");
      expect(await orderRow(page, tooMany).innerText()).toContain("inventory_depleted");
      await timelineHas("INVENTORY_FAILED");
      expect(await page.locator(`#reservations-panel [data-order-id="${tooMany}"]`).count()).toBe(0);

      // 35–45 · Step through a saga: the bus empty, step mode on, Step as many times as the script says.
      const stepping = segment("Step through a saga");
      await bus.getByText("Nothing scheduled.").waitFor({ timeout: UI_WAIT_MS });
      await stepMode(true);
      const stepped = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      await bus.locator('tr[data-held="true"]').first().waitFor({ timeout: UI_WAIT_MS });
      const heldAtFirst = await bus.locator("tr[data-delivery-id]").count();
      expect(heldAtFirst).toBe(stated(stepping, /the bus lists (\d+) deliveries/));
      expect(await stepUntilCompleted(stepped)).toBe(stated(stepping, /Press \*\*Step\*\* (\d+) times/));
      expect(await bus.locator("tr[data-delivery-id]").getAttribute("data-reaction")).toBe("notifications.notifyOnOrderCompleted");
      const second = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      expect(await stepUntilCompleted(second)).toBe(stated(stepping, /needs (\d+) Steps/));
      const [first, later] = [
        await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" }),
        await placeOrderThroughForm(page, { lines: [["keyboard", 1]], paymentBehaviour: "" }),
      ];
      await bus.locator(`tr[data-reaction="inventory.reserveStockWhenOrderCreated"]:has(code[title="${later}"]) button.deliver`).click();
      await reservationCard(page, "PENDING", later).waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator(`#reservations-panel [data-order-id="${first}"]`).count()).toBe(0);
      await stepMode(false);
      await settled(first, "COMPLETED");
      await settled(later, "COMPLETED");

      // 45–55 · Duplicates: Redeliver on INVENTORY_RESERVED of the completed order the timeline follows.
      const reserved = page.locator('#timeline-panel li[data-event-type="INVENTORY_RESERVED"]');
      await page.locator(`#timeline-panel .timeline-order[data-order-id="${later}"]`).waitFor({ timeout: UI_WAIT_MS });
      await reserved.getByRole("button", { name: "Redeliver" }).click();
      await until(async () => (await reserved.locator('[data-outcome="duplicate_ignored"]').count()) > 0, "the duplicate ignored");
      expect(await reserved.locator('[data-outcome="duplicate_ignored"]').first().innerText()).toContain("ignored: already processed");
      expect(await statusOf(page, later)).toBe("COMPLETED");
      await setKnob("duplicateDeliveryRate", "1");
      await knobIs("duplicateDeliveryRate", "1");
      const doubled = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      await settled(doubled, "COMPLETED");
      await page.locator(`#timeline-panel .timeline-order[data-order-id="${doubled}"]`).waitFor({ timeout: UI_WAIT_MS });
      // Every delivery drawn twice, the second ignored.
      const applied = page.locator('#timeline-panel [data-outcome="applied"]');
      const ignored = page.locator('#timeline-panel [data-outcome="duplicate_ignored"]');
      await until(
        async () => (await applied.count()) > 0 && (await ignored.count()) === (await applied.count()),
        "each delivery ignored once more",
      );
      await resetKnobs();

      // 55–65 · Faults, retries and dead letters.
      await setKnob("reactionFaultRate", "1");
      await knobIs("reactionFaultRate", "1");
      const faulty = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "" });
      await bus
        .locator(".dead-letters")
        .getByText("Dead letters")
        .waitFor({ timeout: 3 * UI_WAIT_MS });
      await page.locator(`#sagas-panel tr[data-order-id="${faulty}"][data-saga-status="stuck"]`).waitFor({ timeout: UI_WAIT_MS });
      await resetKnobs();
      while ((await bus.locator(".dead-letters tr[data-dead-letter-id]").count()) > 0) {
        const row = bus.locator(".dead-letters tr[data-dead-letter-id]").first();
        const id = await row.getAttribute("data-dead-letter-id");
        await row.getByRole("button", { name: "Retry" }).click();
        await until(async () => (await bus.locator(`tr[data-dead-letter-id="${id}"]`).count()) === 0, `dead letter ${id} retried`);
      }
      await settled(faulty, "COMPLETED");

      // 65–75 · The race: the panel's defaults, 20 orders for the product with the fewest left (5 laptops).
      const race = segment("The race for the last units");
      await showTab(page, "details");
      const racePanel = page.locator("#race-panel");
      expect(await racePanel.locator('select[name="product"] option:checked').innerText()).toBe("Gaming Laptop (5 left)");
      expect(await racePanel.locator('input[name="count"]').inputValue()).toBe(String(stated(race, /(\d+) orders for one Gaming Laptop/)));
      await press(racePanel, "Start the race");
      const result = racePanel.locator(".race-result");
      await until(async () => (await result.getAttribute("data-running").catch(() => null)) === "0", "the race to finish", 3 * UI_WAIT_MS);
      expect(Number(await result.getAttribute("data-completed"))).toBe(stated(race, /Exactly (\d+) complete/));
      expect(Number(await result.getAttribute("data-cancelled"))).toBe(stated(race, /(\d+) are cancelled/));

      // 75–85 · The invariant panel: Reset inventory with completed orders turns it red; Reset orders, green.
      await invariants.locator('[data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
      await showTab(page, "saga");
      await press(page.locator("#inventory-panel"), "Reset inventory");
      await showTab(page, "details");
      await invariants.locator('[data-consistent="false"]').waitFor({ timeout: UI_WAIT_MS });
      await press(invariants, "Reset orders");
      await invariants.locator('[data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });

      // 85–90 · The same from a terminal: the curl box names the live stream.
      expect(await page.locator("#curl-panel").innerText()).toContain("/events/stream");
      await showTab(page, "saga");

      // The same order three ways: one order in each saga style, from the form.
      for (const sagaStyle of ["choreography", "orchestration", "rpc"] as const) {
        const id = await placeOrderThroughForm(page, { lines: [["mouse-pad", 1]], paymentBehaviour: "", sagaStyle });
        await settled(id, "COMPLETED");
        expect(await orderRow(page, id).innerText()).toContain(sagaStyle);
      }

      // Break it: each scenario's button, the invariants it breaks, then the resets the table names.
      const table = breakItTable();
      expect(table.length).toBe(7);
      for (const row of table) {
        await showTab(page, "saga");
        await press(page.locator("#break-it-panel"), row.button);
        await showTab(page, "details");
        if (row.invariants.length === 0) await invariants.locator('[data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
        else {
          await invariants.locator('[data-consistent="false"]').waitFor({ timeout: UI_WAIT_MS });
          await until(
            async () =>
              JSON.stringify(
                [
                  ...new Set(
                    await invariants
                      .locator(".violations li[data-invariant]")
                      .evaluateAll((els) => els.map((e) => e.getAttribute("data-invariant"))),
                  ),
                ].sort(),
              ) === JSON.stringify(row.invariants),
            `${row.button}: ${row.invariants.join(", ")}`,
          );
        }
        for (const reset of row.resets) await press(invariants, reset);
        await invariants.locator('[data-consistent="true"]').waitFor({ timeout: UI_WAIT_MS });
      }
      // Break it ends with Reset knobs (every switch off) and Delete session: the session is new again.
      await resetKnobs();
      expect(await page.locator('#break-it-panel input[name="bugs"]:checked').count()).toBe(0);
      await showTab(page, "details");
      await Promise.all([page.waitForEvent("load", { timeout: UI_WAIT_MS }), press(invariants, "Delete session")]);
      await page.locator("#live[data-state=open]").waitFor({ timeout: UI_WAIT_MS });
      expect(await page.locator("#orders-panel tr[data-order-id]").count()).toBe(0);

      expect(asked.length).toBeGreaterThan(0);
      expect(seen.problems).toEqual([]);
      await context.close();
    },
    WHOLE_SCRIPT_TIMEOUT_MS,
  );
});

/** The teacher says yes to every question the page asks (Reset knobs, Cancel, the resets, a scenario). */
function acceptEveryQuestion(page: Page): string[] {
  page.removeAllListeners("dialog");
  const asked: string[] = [];
  page.on("dialog", (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  return asked;
}

async function knobSetting(page: Page, baseUrl: string, name: string): Promise<string> {
  const sessionId = new URL(page.url()).searchParams.get("session")!;
  const settings = (await (await page.request.get(`${baseUrl}/settings`, { headers: { "x-session-id": sessionId } })).json()) as Record<
    string,
    unknown
  >;
  return String(settings[name]);
}
