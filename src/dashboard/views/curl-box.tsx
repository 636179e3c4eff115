import { liveTriggers } from "../live";
import { Panel } from "./panel";

export interface CurlBoxProps {
  origin: string;
  sessionId: string;
  /** The newest order, so the look-up commands work as pasted. */
  latestOrderId?: string;
  oob?: boolean;
}

/** The exact commands, for this session, that do from a terminal what the page does. */
export function curlCommands({ origin, sessionId, latestOrderId }: CurlBoxProps): { label: string; command: string }[] {
  const h = `-H 'x-session-id: ${sessionId}'`;
  const json = `-H 'content-type: application/json'`;
  const order = latestOrderId ?? "ORDER_ID";
  return [
    { label: "Seed the catalog", command: `curl -s -X POST ${origin}/inventory/seed ${h}` },
    {
      label: "A successful order (3 s + 5 s demo delays)",
      command: `curl -s -X POST ${origin}/orders ${h} ${json} -d '{"items":[{"product":"mouse-pad","quantity":5}]}'`,
    },
    {
      label: "A payment failure: the stock is released",
      command: `curl -s -X POST ${origin}/orders ${h} ${json} -d '{"items":[{"product":"keyboard","quantity":1}],"paymentBehaviour":"failure"}'`,
    },
    {
      label: "Out of stock: cancelled, nothing reserved",
      command: `curl -s -X POST ${origin}/orders ${h} ${json} -d '{"items":[{"product":"laptop","quantity":50}]}'`,
    },
    { label: "Your orders", command: `curl -s ${origin}/orders ${h}` },
    { label: "One order, answered when its saga ends", command: `curl -s '${origin}/orders/${order}?wait=10000' ${h}` },
    { label: "Its saga trace", command: `curl -s ${origin}/orders/${order}/events ${h}` },
    { label: "Watch every event live (Ctrl-C to stop)", command: `curl -N '${origin}/events/stream?session=${sessionId}'` },
  ];
}

export function CurlBox(props: CurlBoxProps) {
  return (
    <Panel
      id="curl-panel"
      title="Try it with curl"
      path="/dashboard/curl"
      trigger={liveTriggers.curl}
      oob={props.oob}
      class="curl-panel"
      hint="Everything on this page is plain HTTP. Paste these into a terminal: they act on this session, so the page updates as they run."
    >
      <dl class="commands">
        {curlCommands(props).map(({ label, command }) => (
          <>
            <dt>{label}</dt>
            <dd>
              <pre>
                <code>{command}</code>
              </pre>
            </dd>
          </>
        ))}
      </dl>
    </Panel>
  );
}
