/** Seconds with one decimal, as a countdown reads: "in 4.2 s", or "due now". */
export function dueInWords(ms: number): string {
  return ms <= 0 ? "due now" : `in ${(ms / 1000).toFixed(1)} s`;
}

/**
 * A due time as a live countdown. The server writes how far away it is when rendered;
 * public/dashboard.js counts it down from the moment it appears, so a browser whose clock
 * differs from the server's still counts right.
 */
export function Countdown(props: { dueInMs: number }) {
  return (
    <span class="countdown" data-due-in={String(Math.round(props.dueInMs))}>
      {dueInWords(props.dueInMs)}
    </span>
  );
}
