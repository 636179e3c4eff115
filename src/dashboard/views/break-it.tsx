import type { ConsistencyReport } from "../../consistency/invariants";
import { bugDescriptions, bugSwitches } from "../../modules/bugs";
import { rateRange, type SessionSettings } from "../../modules/session-settings";
import type { BreakItCode, ScenarioJson } from "../../scenarios";
import type { Excerpt } from "../../scenarios/source-excerpt";
import { liveTriggers } from "../live";
import { InvariantsVerdict } from "./invariants";
import { percent } from "./knobs";
import { Panel } from "./panel";

export const BREAK_IT_PANEL_ID = "break-it-panel";
/** Where the scenario buttons (`GET /scenarios`, `POST /scenarios/:name/run`) go. */
export const SCENARIOS_SLOT_ID = "scenarios-slot";

/** Each field's id, kept across the panel's replacement so the focus stays on the box just ticked. */
export const bugFieldId = (name: string) => `bug-${name}`;

/**
 * "Break it": the session's bug switches (`bugs`) and the crash rate of the dual write
 * (`crashBetweenWritesRate`), changed in place. The form posts only these two settings, to its
 * own route: the knobs form leaves them as they are, and this one leaves every knob.
 */
export function BreakItPanel(props: {
  settings: Pick<SessionSettings, "bugs" | "crashBetweenWritesRate">;
  code: BreakItCode;
  /** What the session's rows break now: shown under the scenarios, so a run's outcome is in sight. */
  invariants: { report: ConsistencyReport; causeOrders: ReadonlyMap<number, string> };
  oob?: boolean;
}) {
  const { bugs, crashBetweenWritesRate } = props.settings;
  return (
    <Panel
      id={BREAK_IT_PANEL_ID}
      title="Break it"
      path="/dashboard/bugs"
      trigger={liveTriggers.bugs}
      oob={props.oob}
      hint="Each switch puts one real saga bug back, in this session only; the Invariants panel (Details) names what it breaks. Switching a bug off does not repair the rows it already wrote: a reset does."
    >
      <form
        id="break-it-form"
        class="bugs"
        hx-post="/dashboard/bugs"
        hx-trigger="change"
        hx-target={`#${BREAK_IT_PANEL_ID}`}
        hx-swap="outerHTML"
      >
        {bugSwitches.map((name) => {
          const { defect, caughtBy } = bugDescriptions[name];
          return (
            <div class="bug" data-bug={name} data-on={String(bugs.includes(name))}>
              <label class="knob check">
                <input type="checkbox" id={bugFieldId(name)} name="bugs" value={name} checked={bugs.includes(name)} />
                <code class="knob-label">{name}</code>
              </label>
              <p class="bug-words muted">
                {defect} Caught by{" "}
                {caughtBy.map((invariant, i) => (
                  <>
                    {i > 0 ? ", " : ""}
                    <code>{invariant}</code>
                  </>
                ))}
                .
              </p>
              <BugAndFix {...props.code.switches[name]} />
              {name === "publishBeforeCommit" ? (
                <label
                  class="knob"
                  data-knob="crashBetweenWritesRate"
                  title="crashBetweenWritesRate: share of dual writes that crash between the publish and the commit (publishBeforeCommit only)"
                >
                  <span class="knob-label">Crash rate</span>
                  <input
                    type="range"
                    id={bugFieldId("crashBetweenWritesRate")}
                    name="crashBetweenWritesRate"
                    min={String(rateRange.min)}
                    max={String(rateRange.max)}
                    step="0.05"
                    value={String(crashBetweenWritesRate)}
                  />
                  <output class="knob-value" data-percent-of="crashBetweenWritesRate">
                    {percent(crashBetweenWritesRate)}
                  </output>
                </label>
              ) : null}
            </div>
          );
        })}
      </form>
      <ScenarioButtons scenarios={props.code.scenarios} />
      <h3>What the books say now</h3>
      <InvariantsVerdict report={props.invariants.report} causeOrders={props.invariants.causeOrders} />
    </Panel>
  );
}

export const SCENARIO_RUN_WARNING =
  "A scenario starts by wiping this session (its orders, products, events and settings), then sets its switches, places its orders and steps the bus. Run it?";

/**
 * One button per scenario (`POST /scenarios/:name/run`). Its answer is JSON for curl; the page
 * learns the outcome as every panel does, live: the diagram follows the scenario's newest order
 * and the Invariants panel names what broke, each violation linked to its events. `compact`
 * (the stage view): the buttons alone, each titled with its description.
 */
export function ScenarioButtons(props: { scenarios: readonly ScenarioJson[]; compact?: boolean }) {
  return (
    <div id={SCENARIOS_SLOT_ID} class={props.compact ? "scenarios scenarios-compact" : "scenarios"}>
      {props.compact ? null : <h3>Scenarios: one interleaving each, the same every run</h3>}
      <ul class="scenario-list">
        {props.scenarios.map((scenario) => (
          <li data-scenario={scenario.name}>
            <button
              type="button"
              class="button button-quiet"
              hx-post={`/scenarios/${scenario.name}/run`}
              hx-swap="none"
              hx-confirm={SCENARIO_RUN_WARNING}
              title={props.compact ? scenario.description : undefined}
            >
              {props.compact ? scenario.name : scenario.title}
            </button>
            {props.compact ? null : (
              <>
                <code>{scenario.name}</code>
                {scenario.switches.length > 0 ? <span class="muted">{scenario.switches.join(", ")}</span> : null}
                <p class="muted">{scenario.description}</p>
                <BugAndFix bug={scenario.bug} fix={scenario.fix} anomaly={scenario.switches.length === 0} />
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The bug and the code it replaces, side by side, as the repository's files hold them (read at
 * start-up): seed 000 shows its fix as a diff, and this is that diff on our own code. For an
 * anomaly with no switch, where it arises and the product's countermeasure.
 */
function BugAndFix(props: { bug: Excerpt; fix: Excerpt; anomaly?: boolean }) {
  const [bugTitle, fixTitle] = props.anomaly ? ["Where it arises", "The countermeasure"] : ["The bug", "The fix"];
  return (
    <details class="bug-and-fix">
      <summary>{props.anomaly ? "Where it arises, and the countermeasure" : "The bug and the fix, in our code"}</summary>
      <div class="excerpts">
        <Excerpted title={bugTitle} excerpt={props.bug} kind="bug" />
        <Excerpted title={fixTitle} excerpt={props.fix} kind="fix" />
      </div>
    </details>
  );
}

function Excerpted(props: { title: string; excerpt: Excerpt; kind: "bug" | "fix" }) {
  return (
    <figure class="excerpt" data-excerpt={props.kind}>
      <figcaption>
        {props.title}: <code>{props.excerpt.file}</code>
      </figcaption>
      <pre tabindex={0}>
        <code>{props.excerpt.excerpt}</code>
      </pre>
    </figure>
  );
}
